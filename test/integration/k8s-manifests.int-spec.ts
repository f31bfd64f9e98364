import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAll } from 'js-yaml';

/**
 * deploy/k8s is checked without a cluster: every document is validated
 * against the Kubernetes (and KEDA) OpenAPI schemas by kubernetes-models, then
 * cross-checked (workers, probes, secrets, kustomization).
 *
 * kubernetes-models ships ES modules only (`import`-only exports), which Jest's
 * CommonJS runtime cannot load: validation runs in a plain Node ESM process
 * that imports each kind's class, calls `new Kind(doc).validate()` and answers
 * with the error message of each document (null when valid).
 */
const root = join(__dirname, '../..');
const k8sDir = join(root, 'deploy/k8s');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; [key: string]: unknown }; [key: string]: any };

/** apiVersion/kind → [module, class]. A kind not listed here fails the test. */
const MODELS: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'Namespace'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'ConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'Secret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'Service'],
  'v1/PersistentVolumeClaim': ['kubernetes-models/v1/PersistentVolumeClaim', 'PersistentVolumeClaim'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'Deployment'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'HorizontalPodAutoscaler'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'],
  'keda.sh/v1alpha1/ScaledObject': ['@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'ScaledObject'],
};

const VALIDATOR = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { models, docs } = JSON.parse(Buffer.concat(chunks).toString());
const out = [];
for (const doc of docs) {
  const entry = models[doc.apiVersion + '/' + doc.kind];
  if (!entry) { out.push('no schema for ' + doc.apiVersion + '/' + doc.kind + ': add its kubernetes-models class to MODELS'); continue; }
  const Kind = (await import(entry[0]))[entry[1]];
  try { new Kind(doc).validate(); out.push(null); } catch (error) { out.push(String(error && error.message || error)); }
}
process.stdout.write(JSON.stringify(out));
`;

/** The schema error of each manifest, or null when it is valid. */
function validate(docs: Manifest[]): Array<string | null> {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', VALIDATOR], { cwd: root, input: JSON.stringify({ models: MODELS, docs }) });
  return JSON.parse(output.toString()) as Array<string | null>;
}

const WORKERS = ['intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence'];
const SECRET_TEMPLATE = 'secret.example.yaml';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const files = yamlFiles(k8sDir).map((path) => relative(k8sDir, path)).sort();
const manifestFiles = files.filter((file) => file !== 'kustomization.yaml');
const documents: Array<{ file: string; manifest: Manifest }> = manifestFiles.flatMap((file) =>
  loadAll(readFileSync(join(k8sDir, file), 'utf8'))
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc) => ({ file, manifest: doc as Manifest })),
);
const ofKind = (kind: string) => documents.filter((d) => d.manifest.kind === kind).map((d) => d.manifest);
const named = (kind: string, name: string) => ofKind(kind).find((m) => m.metadata.name === name);
const kustomization = loadAll(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'))[0] as { resources: string[]; images: Array<{ name: string }>; namespace: string };

describe('deploy/k8s manifests', () => {
  it('has manifests to check', () => {
    expect(documents.length).toBeGreaterThan(10);
  });

  it('validates every document against its kind\'s schema (an unknown kind fails)', () => {
    const errors = validate(documents.map((d) => d.manifest));
    const failures = documents.flatMap((d, i) => (errors[i] === null ? [] : [`${d.file}: ${d.manifest.kind}/${d.manifest.metadata?.name}: ${errors[i]}`]));
    expect(failures).toEqual([]);
    expect(errors).toHaveLength(documents.length);
  });

  it('rejects a broken manifest and an unknown kind (the validator really validates)', () => {
    const gateway = structuredClone(named('Deployment', 'gateway')!);
    gateway.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    const scaled = structuredClone(named('ScaledObject', 'planner')!);
    delete scaled.spec.scaleTargetRef;
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const [deploymentError, scaledError, unknownError] = validate([gateway, scaled, unknown]);
    expect(deploymentError).toMatch(/containerPort/);
    expect(scaledError).toMatch(/scaleTargetRef/);
    expect(unknownError).toMatch(/no schema for example.com\/v1\/Widget/);
  });

  it('runs every worker as a Deployment scaled by a KEDA ScaledObject on its queue depth', () => {
    for (const worker of WORKERS) {
      const deployment = named('Deployment', worker);
      expect(deployment).toBeDefined();
      const container = deployment!.spec.template.spec.containers[0];
      expect(container.command).toEqual(['node', `dist/apps/${worker}/src/main.js`]);
      const env = Object.fromEntries((container.env as Array<{ name: string; value?: string }>).map((e) => [e.name, e.value]));
      expect(env).toMatchObject({ DB_MIGRATE: 'false', METRICS_PORT: '9464' });
      expect(deployment!.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464' });

      const scaled = named('ScaledObject', worker);
      expect(scaled).toBeDefined();
      expect(scaled!.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: worker });
      expect(scaled!.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(scaled!.spec.maxReplicaCount).toBeGreaterThan(scaled!.spec.minReplicaCount);
      const [trigger] = scaled!.spec.triggers;
      expect(trigger.type).toBe('prometheus');
      expect(trigger.metadata.query).toContain(`bf_queue_jobs{queue="${worker}",state="waiting"}`);
    }
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(['gateway', ...WORKERS].sort());
  });

  it('runs the gateway with migrations, two replicas, a CPU HPA, a PDB and a Service on 8000', () => {
    const gateway = named('Deployment', 'gateway')!;
    expect(gateway.spec.replicas).toBe(2);
    const container = gateway.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/apps/gateway/src/main.js']);
    const env = Object.fromEntries((container.env as Array<{ name: string; value?: string }>).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PORT: '8000', DB_MIGRATE: 'true' });
    expect(named('Service', 'gateway')!.spec.ports).toEqual([expect.objectContaining({ port: 8000 })]);
    const hpa = named('HorizontalPodAutoscaler', 'gateway')!;
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(named('PodDisruptionBudget', 'gateway')!.spec.selector.matchLabels).toEqual(gateway.spec.selector.matchLabels);
    // Only the gateway migrates.
    const migrating = ofKind('Deployment').filter((d) => d.spec.template.spec.containers.some((c: any) => c.env?.some((e: any) => e.name === 'DB_MIGRATE' && e.value === 'true')));
    expect(migrating.map((d) => d.metadata.name)).toEqual(['gateway']);
  });

  it('exposes the dns worker\'s DNS server on 5300 over UDP and TCP', () => {
    const service = named('Service', 'dns')!;
    expect(service.spec.ports.map((p: any) => `${p.port}/${p.protocol}`).sort()).toEqual(['5300/TCP', '5300/UDP']);
    const ports = named('Deployment', 'dns')!.spec.template.spec.containers[0].ports as Array<{ name: string; containerPort: number; protocol: string }>;
    for (const p of service.spec.ports) expect(ports).toContainEqual(expect.objectContaining({ name: p.targetPort, containerPort: 5300, protocol: p.protocol }));
  });

  it('points every probe at a declared containerPort, hardens every container and sets resources', () => {
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const container of pod.containers) {
        const ports = (container.ports ?? []) as Array<{ name?: string; containerPort: number }>;
        for (const probeName of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const probe = container[probeName];
          expect(probe?.httpGet).toBeDefined();
          const port = probe.httpGet.port;
          const declared = ports.some((p) => p.containerPort === port || p.name === port);
          if (!declared) throw new Error(`${deployment.metadata.name}/${container.name} ${probeName} port ${port} is not a declared containerPort`);
          expect(probe.httpGet.path).toMatch(/^\/health(\/live|\/ready)?$/);
        }
        expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
        expect(container.resources.limits).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        // A read-only root needs DATA_DIR (/app/var) and /tmp as volumes.
        const mounts = (container.volumeMounts as Array<{ mountPath: string }>).map((m) => m.mountPath);
        expect(mounts).toEqual(expect.arrayContaining(['/app/var', '/tmp']));
        expect(container.image).toBe('business-factory:latest');
      }
    }
    // The apps that write or serve DATA_DIR share the ReadWriteMany claim bf-data.
    expect(named('PersistentVolumeClaim', 'bf-data')!.spec.accessModes).toEqual(['ReadWriteMany']);
    for (const name of ['gateway', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence']) {
      const volumes = named('Deployment', name)!.spec.template.spec.volumes as Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
      expect(volumes.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('bf-data');
    }
  });

  it('reads secrets only from the bf-secrets Secret, by keys its template declares, and never holds a value', () => {
    const template = named('Secret', 'bf-secrets')!;
    const keys = Object.keys({ ...template.stringData, ...template.data });
    expect(keys.sort()).toEqual(['API_KEY_PEPPER', 'DATABASE_URL', 'EVIDENCE_MASTER_KEY', 'ODOO_PASSWORD', 'PDNS_API_KEY', 'SECRETS_MASTER_KEYS']);
    for (const value of Object.values<string>(template.stringData ?? {})) expect(value === '' || value.startsWith('<')).toBe(true);
    expect(template.data).toBeUndefined();
    expect(ofKind('Secret')).toHaveLength(1);

    const secretEnv = ['DATABASE_URL', 'EVIDENCE_MASTER_KEY', 'PDNS_API_KEY', 'ODOO_PASSWORD', 'REDIS_URL', 'HETZNER_DNS_TOKEN', 'API_KEY_PEPPER', 'SECRETS_MASTER_KEYS', 'SECRETS_MASTER_KEY'];
    let refs = 0;
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      for (const container of pod.containers) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (ref) {
            refs++;
            expect(ref.name).toBe('bf-secrets');
            expect(keys).toContain(ref.key);
          }
          // A secret is never a literal value in a manifest (only a *_FILE path or a secretKeyRef).
          if (secretEnv.includes(env.name)) expect(env.value).toBeUndefined();
          if (env.name.endsWith('_FILE')) {
            const mount = (container.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => env.value.startsWith(`${m.mountPath}/`));
            expect(mount).toBeDefined();
            const volume = pod.volumes.find((v: any) => v.name === mount!.name);
            expect(volume.secret.secretName).toBe('bf-secrets');
            const item = env.value.slice(mount!.mountPath.length + 1);
            expect(volume.secret.items.map((i: any) => i.path)).toContain(item);
          }
        }
      }
      for (const volume of pod.volumes ?? []) {
        if (!volume.secret) continue;
        expect(volume.secret.secretName).toBe('bf-secrets');
        for (const item of volume.secret.items) expect(keys).toContain(item.key);
      }
    }
    expect(refs).toBeGreaterThanOrEqual(8);
    // Only forge-sign reads the evidence master key.
    const withMasterKey = ofKind('Deployment').filter((d) => JSON.stringify(d.spec.template.spec).includes('EVIDENCE_MASTER_KEY'));
    expect(withMasterKey.map((d) => d.metadata.name)).toEqual(['forge-sign']);
    // NODE_ENV=production refuses to start without these (libs/runtime PRODUCTION_SECRETS): each process that needs one gets it as a file, no other.
    const reading = (name: string) => ofKind('Deployment').filter((d) => d.spec.template.spec.containers.some((c: any) => (c.env ?? []).some((e: any) => e.name === `${name}_FILE`))).map((d) => d.metadata.name).sort();
    expect(reading('API_KEY_PEPPER')).toEqual(['gateway']);
    expect(reading('SECRETS_MASTER_KEYS')).toEqual(['dns', 'evidence', 'gateway', 'odoo']);
    // The ConfigMap holds no secret.
    const config = named('ConfigMap', 'bf-config')!;
    for (const name of secretEnv.filter((n) => n !== 'REDIS_URL')) expect(config.data).not.toHaveProperty(name);
    expect(config.data.REDIS_URL).not.toMatch(/:\/\/[^/]*:[^/]*@/);
  });

  it('lists every manifest in kustomization.yaml except the Secret template', () => {
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((f) => f !== SECRET_TEMPLATE).sort());
    expect(kustomization.resources).not.toContain(SECRET_TEMPLATE);
    expect(kustomization.namespace).toBe('business-factory');
    expect(kustomization.images.map((i) => i.name)).toContain('business-factory');
  });

  const hasKubectl = spawnSync('sh', ['-c', 'command -v kubectl']).status === 0;
  (hasKubectl ? it : it.skip)(`kubectl kustomize builds it${hasKubectl ? '' : ' (skipped: kubectl is not installed)'}`, () => {
    const built = loadAll(execFileSync('kubectl', ['kustomize', k8sDir]).toString()) as Manifest[];
    expect(built.length).toBe(documents.length - 1);
    for (const manifest of built) {
      if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe('business-factory');
    }
  });
});

import PDFDocument from 'pdfkit';
import { RunFacts } from './pack-assembler';

export const REPORT_PATH = 'validation_report.pdf';

export interface ReportInput {
  facts: RunFacts;
  /** sha256 over the checksum lines of every other signed file (see VERIFY.md): the report cannot hash itself. */
  contentHash: string;
}

type StepView = RunFacts['plan']['steps'][number];

/**
 * The human-readable page of the pack (pdfkit). Byte-reproducible: the info
 * dates are the run's end, and pdfkit derives the file ID from the info, so the
 * same run renders the same bytes.
 */
export async function renderValidationReport(input: ReportInput): Promise<Buffer> {
  const { facts } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    info: {
      Title: `Validation report ${facts.runId}`,
      Author: 'Business Factory',
      Subject: `Evidence pack of run ${facts.runId} (plan ${facts.plan.plan_id})`,
      Producer: 'Business Factory evidence worker',
      Creator: 'Business Factory evidence worker',
      CreationDate: facts.stampedAt,
      ModDate: facts.stampedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  new ReportWriter(doc, input).write();
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

class ReportWriter {
  private readonly facts: RunFacts;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly input: ReportInput,
  ) {
    this.facts = input.facts;
  }

  write(): void {
    this.header();
    this.planSummary();
    this.risks();
    this.steps();
    this.dryRunSteps();
    this.undone();
    this.validation();
    this.screenshot();
    this.integrity();
    this.markEveryPage();
  }

  private header(): void {
    const { plan, run } = this.facts;
    this.doc.font('Helvetica-Bold').fontSize(18).text(`Validation report: ${plan.business_name}`, { align: 'left' });
    this.doc.moveDown(0.5);
    this.lines([
      `Run ${this.facts.runId} of plan ${plan.plan_id}`,
      `Status: ${run.status}${run.rollbackStatus ? ` (rollback: ${run.rollbackStatus})` : ''}`,
      `Mode: ${this.mode()}`,
      `Started ${run.startedAt.toISOString()}, finished ${this.facts.stampedAt.toISOString()}`,
      ...(run.error ? [`Error: ${JSON.stringify(run.error)}`] : []),
    ]);
  }

  private planSummary(): void {
    const { plan } = this.facts;
    this.section('Plan summary');
    this.lines([
      `Business: ${plan.business_name}${plan.business_type ? ` (${plan.business_type})` : ''}`,
      `Plan hash: ${plan.plan_hash}`,
      `${this.facts.origin.kind === 'graph' ? 'Graph spec' : 'Briefing'} sha256: ${this.facts.origin.sha256}`,
      `${plan.steps.length} step(s); dry run requested: ${plan.dry_run ? 'yes' : 'no'}; auto rollback: ${plan.auto_rollback ? 'yes' : 'no'}`,
    ]);
  }

  private risks(): void {
    const assessment = this.facts.plan.risk_assessment;
    this.section(`Risk assessment: overall ${assessment.overall_risk_level}`);
    this.table(
      ['Severity', 'Probability', 'Risk', 'Mitigation'],
      [60, 65, 185, 185],
      assessment.risks.map((risk) => [risk.severity, risk.probability, risk.description, risk.mitigation]),
    );
    this.lines([`Estimated duration ${assessment.estimated_duration_minutes} min, cost EUR ${assessment.estimated_cost_euros}`]);
  }

  private steps(): void {
    this.section('Steps');
    this.table(
      ['#', 'Step', 'Action', 'Status', 'Mode', 'Duration'],
      [25, 150, 130, 70, 55, 65],
      this.facts.plan.steps.map((step) => [String(step.sequence), step.name, step.action, step.status, step.mode ?? '-', duration(step)]),
    );
  }

  /** A mixed run must say which steps changed nothing, and why, so no one mistakes them for real changes. */
  private dryRunSteps(): void {
    const dry = this.facts.plan.run?.dry_run_steps ?? [];
    if (!dry.length) return;
    this.section('Steps that ran as a dry run (changed nothing)');
    this.lines(dry.map((step) => `${step.name} (${step.step_id}): ${step.reason}`));
  }

  private undone(): void {
    const rolledBack = this.facts.stepRuns.filter((stepRun) => stepRun.rollbackStatus).sort((a, b) => (a.rollbackOrder ?? 0) - (b.rollbackOrder ?? 0));
    if (!rolledBack.length && this.facts.run.status !== 'failed') return;
    this.section('What was undone');
    if (!rolledBack.length) return this.lines(['Nothing was rolled back.']);
    this.lines(
      rolledBack.map((stepRun) => {
        const step = this.facts.plan.steps.find((candidate) => candidate.step_id === stepRun.stepId);
        const what = stepRun.rollbackError ? `failed: ${stepRun.rollbackError.message}` : summarise(stepRun.rollbackResult);
        return `${step?.name ?? stepRun.stepId}: ${stepRun.rollbackStatus}${what ? `, ${what}` : ''}`;
      }),
    );
  }

  private validation(): void {
    const step = this.facts.plan.steps.find((candidate) => candidate.action === 'validation.run');
    if (!step) return;
    this.section('Validation results');
    const result = step.result ?? {};
    const checks = Array.isArray(result.checks) ? (result.checks as unknown[]) : [];
    if (result.mode === 'dry_run' || checks.every((check) => typeof check === 'string')) {
      return this.lines([`${step.status}${result.would ? `: would ${String(result.would).replace(/^would /, '')}` : ''}`, ...(step.error ? [`Error: ${step.error.message}`] : [])]);
    }
    this.table(
      ['Check', 'Result', 'Detail'],
      [130, 60, 305],
      (checks as Array<Record<string, unknown>>).map((check) => [String(check.check), check.passed === true ? 'passed' : check.passed === false ? 'FAILED' : 'skipped', summarise(check.detail)]),
    );
  }

  private screenshot(): void {
    if (!this.facts.screenshot) return;
    this.section('Website homepage (screenshot)');
    try {
      this.doc.image(this.facts.screenshot, { fit: [495, 330] });
      this.doc.moveDown(1);
    } catch {
      // A screenshot pdfkit cannot read is still in the pack; the report says so instead of failing the pack.
      this.lines(['(the screenshot could not be embedded; see screenshots/website_homepage.png)']);
    }
  }

  private integrity(): void {
    this.section('Integrity');
    this.lines([
      `Content hash (sha256 over the verification_checksums.txt lines of every file except this report and attestation/): ${this.input.contentHash}`,
      'Signature: DSSE envelope in attestation/envelope.dsse.json over attestation/statement.json (in-toto, SLSA provenance v1). The signing key id is signatures[0].keyid there; the public key is attestation/signing-key.pub.pem.',
      'This report is itself a signed subject, which is why it names the content hash rather than the signature. VERIFY.md shows how to check everything with unzip, sha256sum and openssl.',
    ]);
  }

  private markEveryPage(): void {
    const marker = this.dryMarker();
    if (!marker) return;
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index += 1) {
      this.doc.switchToPage(index);
      this.doc.save().font('Helvetica-Bold').fontSize(11).fillColor('#b91c1c');
      this.doc.text(marker, 50, 20, { width: 495, align: 'center', lineBreak: false });
      this.doc.restore();
    }
  }

  private dryMarker(): string | null {
    const dry = this.facts.plan.run?.dry_run_steps ?? [];
    if (this.facts.run.dryRun) return 'DRY RUN - nothing was changed in any external system';
    if (dry.length) return `PARTLY DRY RUN - ${dry.length} step(s) ran as a dry run, see "Steps that ran as a dry run"`;
    return null;
  }

  private mode(): string {
    const dry = this.facts.plan.run?.dry_run_steps ?? [];
    if (this.facts.run.dryRun) return 'DRY RUN (every step described its change and made none)';
    return dry.length ? `live, with ${dry.length} step(s) as DRY RUN` : 'live';
  }

  private section(title: string): void {
    this.doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('black').text(title, 50);
    this.doc.moveDown(0.3);
  }

  private lines(lines: string[]): void {
    this.doc.font('Helvetica').fontSize(10).fillColor('black');
    for (const line of lines) this.doc.text(line, 50, undefined, { width: 495 });
  }

  private table(headers: string[], widths: number[], rows: string[][]): void {
    this.row(headers, widths, 'Helvetica-Bold');
    for (const row of rows) this.row(row, widths, 'Helvetica');
  }

  private row(cells: string[], widths: number[], font: string): void {
    this.doc.font(font).fontSize(9).fillColor('black');
    const heights = cells.map((cell, index) => this.doc.heightOfString(cell, { width: widths[index] - 4 }));
    const height = Math.max(...heights) + 4;
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
    const top = this.doc.y;
    let x = 50;
    cells.forEach((cell, index) => {
      this.doc.text(cell, x + 2, top + 2, { width: widths[index] - 4 });
      x += widths[index];
    });
    this.doc.moveTo(50, top + height).lineTo(x, top + height).lineWidth(0.3).strokeColor('#999999').stroke();
    this.doc.x = 50;
    this.doc.y = top + height;
  }
}

function duration(step: StepView): string {
  if (!step.started_at || !step.finished_at) return '-';
  const ms = Date.parse(step.finished_at) - Date.parse(step.started_at);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function summarise(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.undone === 'string') return record.undone;
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

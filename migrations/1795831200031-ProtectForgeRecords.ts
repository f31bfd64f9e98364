import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the forge promises, enforced where every writer meets: a revoked package
 * stays revoked and unchanged (revocation is irreversible); a failed package (its
 * job failed or was cancelled) stays failed, never built, signed or published; a signed package's
 * ZIP and signature never change; publications (slug + version) and the
 * generation audit are write-once.
 */
export class ProtectForgeRecords1795831200031 implements MigrationInterface {
  name = 'ProtectForgeRecords1795831200031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION forge_protect_package() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('signed', 'published', 'revoked') THEN
          RAISE EXCEPTION 'plugin package % is %: it cannot be deleted', OLD.id, OLD.status;
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.status = 'revoked' THEN
        RAISE EXCEPTION 'plugin package % is revoked: revocation is irreversible', OLD.id;
      END IF;
      IF OLD.status = 'failed' AND NEW.status <> 'failed' THEN
        RAISE EXCEPTION 'plugin package % is failed: it cannot become %', OLD.id, NEW.status;
      END IF;
      IF OLD.signature IS NOT NULL AND (NEW.archive IS DISTINCT FROM OLD.archive OR NEW.archive_sha256 IS DISTINCT FROM OLD.archive_sha256 OR NEW.signature IS DISTINCT FROM OLD.signature OR NEW.key_id IS DISTINCT FROM OLD.key_id) THEN
        RAISE EXCEPTION 'plugin package % is signed: its archive and signature cannot change', OLD.id;
      END IF;
      IF OLD.status = 'published' AND NEW.status NOT IN ('published', 'revoked') THEN
        RAISE EXCEPTION 'plugin package % is published: it can only be revoked', OLD.id;
      END IF;
      RETURN NEW;
    END $$`);
    await q.query('CREATE TRIGGER plugin_packages_protect BEFORE UPDATE OR DELETE ON plugin_packages FOR EACH ROW EXECUTE FUNCTION forge_protect_package()');
    await q.query(`CREATE FUNCTION forge_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% rows are write-once', TG_TABLE_NAME;
    END $$`);
    await q.query('CREATE TRIGGER plugin_publications_write_once BEFORE UPDATE OR DELETE ON plugin_publications FOR EACH ROW EXECUTE FUNCTION forge_write_once()');
    await q.query('CREATE TRIGGER forge_generation_audit_write_once BEFORE UPDATE OR DELETE ON forge_generation_audit FOR EACH ROW EXECUTE FUNCTION forge_write_once()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER forge_generation_audit_write_once ON forge_generation_audit');
    await q.query('DROP TRIGGER plugin_publications_write_once ON plugin_publications');
    await q.query('DROP FUNCTION forge_write_once()');
    await q.query('DROP TRIGGER plugin_packages_protect ON plugin_packages');
    await q.query('DROP FUNCTION forge_protect_package()');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContactSubmissionTable1795831200011 implements MigrationInterface {
  name = 'CreateContactSubmissionTable1795831200011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_submissions (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      site_id text NOT NULL,
      name text NOT NULL,
      email text NOT NULL,
      phone text,
      company text,
      message text NOT NULL,
      client_address text NOT NULL,
      status text NOT NULL DEFAULT 'received',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // The listing endpoint reads one site's submissions, newest first.
    await q.query('CREATE INDEX contact_submissions_site_idx ON contact_submissions (tenant_id, site_id, created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact_submissions');
  }
}

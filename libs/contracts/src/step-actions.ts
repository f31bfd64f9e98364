import { ExecutionStep, Executor, StepAction } from './plan.schema';

/** Which seed 000 executor each step action belongs to (the queue that runs it is ACTION_QUEUE in the job catalogue). */
export const ACTION_EXECUTOR: Record<StepAction, Executor> = {
  'website.generate': 'webgen',
  'website.deploy': 'webgen',
  'dns.configure': 'dns',
  'odoo.install_modules': 'odoo',
  'odoo.create_users': 'odoo',
  'odoo.configure_fiscal': 'odoo',
  'odoo.install_custom_module': 'odoo',
  'integration.configure': 'integration',
  'validation.run': 'validation',
};

/**
 * Seed 000 "Rollback Capabilities", one entry per step kind. The planner and the
 * graph API both take a step's rollback flags from here, so a step of one kind is
 * compensated the same way whichever plan it is in.
 */
export const ACTION_ROLLBACK: Record<StepAction, Pick<ExecutionStep, 'rollback_possible' | 'rollback_steps'>> = {
  'website.generate': { rollback_possible: true, rollback_steps: [{ action: 'delete_generated_files', reason: 'cleanup_on_failure' }] },
  'website.deploy': {
    rollback_possible: true,
    rollback_steps: [
      { action: 'remove_web_host_config', reason: 'stop_serving_site' },
      { action: 'delete_deployed_files', reason: 'cleanup_on_failure' },
    ],
  },
  'dns.configure': { rollback_possible: true, rollback_steps: [{ action: 'delete_dns_records', reason: 'dns_propagation_delay_applies' }] },
  'odoo.install_modules': {
    rollback_possible: true,
    rollback_steps: [{ action: 'uninstall_modules', reason: 'may_leave_database_entries' }],
  },
  'odoo.create_users': { rollback_possible: true, rollback_steps: [{ action: 'delete_users', reason: 'cleanup_on_failure' }] },
  'odoo.configure_fiscal': {
    rollback_possible: false,
    rollback_steps: [{ action: 'manual_restoration_required', reason: 'fiscal_settings_only_partly_reversible' }],
  },
  'odoo.install_custom_module': {
    rollback_possible: true,
    rollback_steps: [{ action: 'uninstall_custom_module', reason: 'may_leave_database_entries' }],
  },
  'integration.configure': {
    rollback_possible: true,
    rollback_steps: [{ action: 'remove_webhooks_and_api_connections', reason: 'cleanup_on_failure' }],
  },
  'validation.run': { rollback_possible: true, rollback_steps: [] },
};

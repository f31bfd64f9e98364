// The plugin forge's shared code (issue 11). Filled in by the forge work.
export {};

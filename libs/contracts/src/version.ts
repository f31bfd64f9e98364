/** The system's version, as the API reports it; a test keeps it equal to package.json's. */
export const SYSTEM_VERSION = '0.1.0';

/** The real servers the suite runs against; `npm test` starts them and sets these. */
export function testEnv() {
  const need = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run the suite with "npm test" (it starts the servers)`);
    return v;
  };
  return {
    temporalAddress: need('TEMPORAL_ADDRESS'),
    mongoUri: need('MONGODB_URI'),
    smtpUrl: need('SMTP_URL'),
    mailpitApiUrl: need('MAILPIT_API_URL'),
    testServerPath: () => need('TEMPORAL_TEST_SERVER_PATH'),
    schemathesisPath: () => need('SCHEMATHESIS_PATH'),
  };
}

let counter = 0;
/** A name no other test file or run uses: for task queues, databases, incident IDs, email domains. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

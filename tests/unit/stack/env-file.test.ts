import { exportLines, parseExportLines } from '../../../stack/env-file';

describe("the stack's environment file (data/stack.env)", () => {
  it('[M6.6] what npm start writes, herald drill run reads back, quotes and all', () => {
    const env = { MONGODB_URI: 'mongodb://127.0.0.1:33369/herald', TEMPORAL_TEST_SERVER_PATH: "/root/it's here/test-server", EMPTY: '' };
    const text = exportLines(env);
    expect(text.split('\n')).toEqual([
      "export MONGODB_URI='mongodb://127.0.0.1:33369/herald'",
      "export TEMPORAL_TEST_SERVER_PATH='/root/it'\\''s here/test-server'",
      "export EMPTY=''",
    ]);
    expect(parseExportLines(`${text}\n# a comment\nnot an export\n`)).toEqual(env);
  });
});

import { readFileSync } from 'fs';
import { join } from 'path';
import { generateSha256Compress } from '../../../../src/lib/crypto/sha256-gen';

describe('sha256-compress.generated.ts', () => {
  it('is in sync with its generator (run `npx tsx src/lib/crypto/sha256-gen.ts` to regenerate)', () => {
    const committed = readFileSync(join(__dirname, '../../../../src/lib/crypto/sha256-compress.generated.ts'), 'utf8');
    expect(committed === generateSha256Compress()).toBe(true);
  });
});

/**
 * Jest transformer for the few ESM-only packages (@dfinity/ledger-icrc, @icp-sdk/canisters,
 * @dfinity/utils): their .mjs builds start with `const require = createRequire(import.meta.url)`,
 * which collides with CommonJS's own `require` once ts-jest turns the file into CommonJS. The
 * prelude is unused by those bundles, so it is dropped before handing the file to ts-jest.
 */
const { TsJestTransformer } = require('ts-jest');

const PRELUDE = /^import \{ createRequire as topLevelCreateRequire \} from 'module';\s*const require = topLevelCreateRequire\(import\.meta\.url\);/;

class EsmTransformer extends TsJestTransformer {
    process(source, path, options) {
        return super.process(path.endsWith('.mjs') ? source.replace(PRELUDE, '') : source, path, options);
    }

    async processAsync(source, path, options) {
        return super.processAsync(path.endsWith('.mjs') ? source.replace(PRELUDE, '') : source, path, options);
    }

    getCacheKey(source, path, options) {
        return super.getCacheKey(path.endsWith('.mjs') ? source.replace(PRELUDE, '') : source, path, options);
    }
}

module.exports = {
    createTransformer: (config) => new EsmTransformer(config),
};

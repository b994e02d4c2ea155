// jest transform for npm dependencies published only as ES modules (modern-tar): jest 29 runs CommonJS, so
// esbuild (already the repository's bundler) rewrites the module's import/export syntax to require/exports.
// Used for node_modules only (see jest.config.js); vos's own sources go through ts-jest.
const esbuild = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, { format: 'cjs', target: 'node20', sourcemap: 'external', sourcefile: filename, loader: 'js' });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update(`${esbuild.version}\0${filename}\0${source}`).digest('hex');
  },
};

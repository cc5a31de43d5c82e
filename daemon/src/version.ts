// The version every part reports (daemon status, discovery file), read from package.json at build time.
import packageJson from '../../package.json' with { type: 'json' };

export const TANDEM_VERSION: string = packageJson.version;

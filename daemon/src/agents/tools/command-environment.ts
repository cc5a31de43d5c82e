// The environment an allowed command runs with. The daemon's own environment may hold secrets
// (cloud keys, registry tokens, the user's shell exports) that a test run would otherwise print
// into tool output, and from there into the model's context and the trajectory store. Commands
// get the names a build or test tool needs, plus the names the user lists in TANDEM_RUN_ENV.

/** Names passed through as they are; LC_* is passed too. Windows names are matched without case. */
const PASSED = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'TMPDIR', 'TMP', 'TEMP',
  // Toolchains that find themselves through their home directory.
  'JAVA_HOME', 'GOPATH', 'GOROOT', 'GOCACHE', 'CARGO_HOME', 'RUSTUP_HOME', 'VIRTUAL_ENV', 'CONDA_PREFIX',
  'PYENV_ROOT', 'NVM_DIR', 'VOLTA_HOME', 'PNPM_HOME', 'DENO_DIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME',
  // Windows needs these to start most programs at all.
  'SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'PROGRAMDATA', 'PROGRAMFILES', 'PROGRAMFILES(X86)', 'COMMONPROGRAMFILES', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE',
];

/** Plain output: colour codes cost context and mean nothing to the model. */
const FIXED = { CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };

/** The variables of `parent` a command may see: the list above, LC_*, and the names in `parent.TANDEM_RUN_ENV`. */
export function commandEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const extra = (parent.TANDEM_RUN_ENV ?? '').split(',').map((name) => name.trim().toUpperCase()).filter(Boolean);
  const passed = new Set([...PASSED, ...extra]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    const key = name.toUpperCase();
    if (value !== undefined && (passed.has(key) || key.startsWith('LC_'))) env[name] = value;
  }
  return { ...env, ...FIXED };
}

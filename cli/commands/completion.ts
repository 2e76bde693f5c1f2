/**
 * `herald completion bash|zsh|fish`: a completion script generated from the command tree itself
 * (commands, subcommands, aliases, options and their choices), so it never lags the CLI.
 * Installing it: README "The herald CLI".
 */
import { Argument, type Command } from 'commander';

interface Node {
  /** The command's words after `herald` ('' for the root, 'import customers', …). */
  path: string;
  names: string[];
  description: string;
  subcommands: Node[];
  options: { flags: string[]; description: string; takesValue: boolean; choices?: readonly string[] }[];
  /** Its arguments name files or folders: the shell completes paths there. */
  wantsPaths: boolean;
  /** The values its arguments may take, where they are fixed. */
  argChoices: readonly string[];
}

function tree(cmd: Command, path = ''): Node {
  const subcommands = cmd.commands.map((c) => tree(c, path ? `${path} ${c.name()}` : c.name()));
  return {
    path,
    names: [cmd.name(), ...cmd.aliases()],
    description: cmd.description(),
    subcommands,
    options: [
      ...cmd.options.map((o) => ({
        flags: [o.long, o.short].filter((f): f is string => !!f), description: o.description, takesValue: o.required || o.optional, choices: o.argChoices,
      })),
      { flags: ['--help', '-h'], description: 'display help for command', takesValue: false },
    ],
    wantsPaths: cmd.registeredArguments.some((a) => /file|dir|path/i.test(a.name())),
    argChoices: cmd.registeredArguments.flatMap((a) => a.argChoices ?? []),
  };
}

function all(node: Node): Node[] {
  return [node, ...node.subcommands.flatMap(all)];
}

/** Every path a word can extend (`import` → `import customers`), aliases included. */
function paths(root: Node): { from: string; word: string; to: string }[] {
  return all(root).flatMap((n) => n.subcommands.flatMap((s) => s.names.map((w) => ({ from: n.path, word: w, to: s.path }))));
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(root: Node, globals: Node['options']): string {
  const nodes = all(root);
  const steps = paths(root).map((p) => `      ${sq(`${p.from}>${p.word}`)}) cmdpath=${sq(p.to)} ;;`);
  const words = nodes.map((n) => {
    const w = [...n.subcommands.flatMap((s) => s.names), ...n.argChoices, ...(n.path ? [] : ['help']), ...n.options.flatMap((o) => o.flags), ...globals.flatMap((o) => o.flags)];
    return `    ${sq(n.path)}) words=${sq(w.join(' '))}${n.wantsPaths ? ' files=1' : ''} ;;`;
  });
  const choices = nodes.flatMap((n) => n.options.filter((o) => o.choices).flatMap((o) => o.flags.map((f) => `    ${sq(`${n.path}>${f}`)}) COMPREPLY=($(compgen -W ${sq(o.choices!.join(' '))} -- "$cur")); return ;;`)));
  return `# bash completion for herald, generated from its command tree by \`herald completion bash\`.
# Install: herald completion bash > ~/.local/share/bash-completion/completions/herald
#      or: source <(herald completion bash)   (in ~/.bashrc)
_herald() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="" w i words="" files=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case "$cmdpath>$w" in
${steps.join('\n')}
    esac
  done
  case "$cmdpath>$prev" in
${choices.join('\n')}
  esac
  case "$cmdpath" in
${words.join('\n')}
  esac
  if [[ $files == 1 && $cur != -* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
}
complete -o default -F _herald herald
`;
}

/** zsh's _describe entries: `name:description`, colons escaped. */
const described = (name: string, description: string) => sq(`${name.replace(/:/g, '\\:')}:${description.replace(/\s+/g, ' ').slice(0, 100)}`);

function zsh(root: Node, globals: Node['options']): string {
  const nodes = all(root);
  const steps = paths(root).map((p) => `      (${sq(`${p.from}>${p.word}`)}) cmdpath=${sq(p.to)} ;;`);
  const cases = nodes.map((n) => {
    const cmds = [...n.subcommands.flatMap((s) => s.names.map((name) => described(name, s.description))), ...n.argChoices.map((c) => described(c, 'a value'))];
    const opts = [...n.options, ...globals].flatMap((o) => o.flags.map((f) => described(f, o.description)));
    const choiceCases = n.options.filter((o) => o.choices).flatMap((o) => o.flags.map((f) => `        (${sq(f)}) compadd -- ${o.choices!.map(sq).join(' ')}; return ;;`));
    const choiceCase = choiceCases.length ? `      case $words[CURRENT-1] in\n${choiceCases.join('\n')}\n      esac\n` : '';
    return `    (${sq(n.path)})
${choiceCase}      cmds=(${cmds.join(' ')})
      opts=(${opts.join(' ')})
      ${n.wantsPaths ? 'files=1' : ''} ;;`;
  });
  return `#compdef herald
# zsh completion for herald, generated from its command tree by \`herald completion zsh\`.
# Install: herald completion zsh > "\${fpath[1]}/_herald"   (then start a new shell)
#      or: source <(herald completion zsh)   (in ~/.zshrc, after compinit)
_herald() {
  local cmdpath="" w i files=0
  local -a cmds opts
  for ((i = 2; i < CURRENT; i++)); do
    w=$words[i]
    [[ $w == -* ]] && continue
    case "$cmdpath>$w" in
${steps.join('\n')}
    esac
  done
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ $PREFIX == -* ]]; then
    _describe -t options 'option' opts
  else
    (( \${#cmds} )) && _describe -t commands 'command' cmds
    (( files )) && _files
  fi
}
compdef _herald herald
`;
}

function fish(root: Node, globals: Node['options']): string {
  const lines = [
    '# fish completion for herald, generated from its command tree by `herald completion fish`.',
    '# Install: herald completion fish > ~/.config/fish/completions/herald.fish',
    'complete -c herald -f',
  ];
  const opt = (cond: string, o: Node['options'][number]) => {
    const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
    const short = o.flags.find((f) => /^-[^-]$/.test(f))?.slice(1);
    return `complete -c herald -n ${sq(cond)}${long ? ` -l ${long}` : ''}${short ? ` -s ${short}` : ''}${o.takesValue ? ' -r' : ''}${o.choices ? ` -a ${sq(o.choices.join(' '))}` : ''} -d ${sq(o.description)}`;
  };
  for (const o of [...globals, ...root.options]) lines.push(opt('true', o).replace(" -n 'true'", ''));
  for (const n of all(root)) {
    const words = n.path ? n.path.split(' ') : [];
    // The command's words are on the line (its last one is enough for fish's helper) and no deeper command's are.
    const deeper = n.subcommands.flatMap((s) => s.names);
    const here = words.length ? `__fish_seen_subcommand_from ${words[words.length - 1]}` : '__fish_use_subcommand';
    const cond = deeper.length && words.length ? `${here}; and not __fish_seen_subcommand_from ${deeper.join(' ')}` : here;
    for (const s of n.subcommands) for (const name of s.names) lines.push(`complete -c herald -n ${sq(cond)} -a ${name} -d ${sq(s.description)}`);
    if (n.argChoices.length) lines.push(`complete -c herald -n ${sq(cond)} -a ${sq(n.argChoices.join(' '))}`);
    if (n.path) {
      for (const o of n.options) lines.push(opt(cond, o));
      if (n.wantsPaths) lines.push(`complete -c herald -n ${sq(cond)} -F`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const shells = { bash, zsh, fish } as const;

export function registerCompletionCommand(program: Command): void {
  program.command('completion')
    .description('Print a shell completion script for bash, zsh or fish (see the README for installing it)')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(shells)))
    .action((shell: keyof typeof shells) => {
      const root = tree(program);
      // The global options apply to every command; each node lists its own, --help included.
      const globalOptions = root.options.filter((o) => !o.flags.includes('--help'));
      process.stdout.write(shells[shell]({ ...root, options: root.options.filter((o) => o.flags.includes('--help')) }, globalOptions));
    });
}

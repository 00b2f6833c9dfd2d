/** What the guest knows about itself, read from its VMI at each command. */
export interface GuestInfo {
  name: string;
  os: {
    id: string;
    name: string;
    prettyName: string;
    version: string;
    versionId?: string;
    kernelRelease: string;
  };
  ip?: string;
  mac?: string;
  /** When the VMI started running (ms). */
  bootTime: number;
  vcpus: number;
  memoryBytes: number;
}

type Listener = (output: string) => void;

const CLEAR = '\x1b[H\x1b[2J';
const ROOT_DIRS =
  'afs  bin  boot  dev  etc  home  lib  lib64  media  mnt  opt  proc  root  run  sbin  srv  sys  tmp  usr  var';
const HELP = [
  'whoami',
  'hostname',
  'uname [-a|-r|-n|-m]',
  'uptime',
  'cat /etc/os-release',
  'ip a',
  'echo',
  'ls',
  'pwd',
  'date',
  'nproc',
  'free',
  'clear',
  'exit',
  '| grep|head|wc -l',
];

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const clock = (d: Date) =>
  `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(
    d.getUTCSeconds(),
  )}`;
/** `date` in the C locale, UTC as cloud images are set. */
export const unixDate = (d: Date) =>
  `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(
    d.getUTCDate(),
  ).padStart(2, ' ')} ${clock(d)} UTC ${d.getUTCFullYear()}`;

function uptimeText(info: GuestInfo, now: number) {
  const minutes = Math.max(0, Math.floor((now - info.bootTime) / 60_000));
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hm = h > 0 ? `${h}:${pad2(m)}` : `${m} min`;
  const up = days > 0 ? `${days} day${days > 1 ? 's' : ''}, ${hm}` : hm;
  return ` ${clock(
    new Date(now),
  )} up ${up},  1 user,  load average: 0.08, 0.03, 0.01`;
}

function osRelease(info: GuestInfo): string[] {
  const { os } = info;
  const versionId = os.versionId ?? os.version;
  if (os.id === 'ubuntu') {
    return [
      `PRETTY_NAME="${os.prettyName}"`,
      `NAME="${os.name}"`,
      `VERSION_ID="${versionId}"`,
      `VERSION="${os.prettyName.replace(/^Ubuntu /, '')}"`,
      'ID=ubuntu',
      'ID_LIKE=debian',
      'HOME_URL="https://www.ubuntu.com/"',
    ];
  }
  if (os.id === 'centos') {
    return [
      `NAME="${os.name}"`,
      `VERSION="${os.version}"`,
      'ID="centos"',
      'ID_LIKE="rhel fedora"',
      `VERSION_ID="${versionId}"`,
      `PRETTY_NAME="${os.prettyName}"`,
      'HOME_URL="https://centos.org/"',
    ];
  }
  const variant = /\(([^)]+)\)/.exec(os.prettyName)?.[1];
  return [
    `NAME="${os.name}"`,
    `VERSION="${os.version}${variant ? ` (${variant})` : ''}"`,
    `ID=${os.id}`,
    `VERSION_ID=${versionId}`,
    `PRETTY_NAME="${os.prettyName}"`,
    'HOME_URL="https://fedoraproject.org/"',
  ];
}

function ipAddr(info: GuestInfo): string[] {
  const mac = info.mac ?? '02:00:00:00:00:01';
  return [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc fq_codel state UP group default qlen 1000',
    `    link/ether ${mac} brd ff:ff:ff:ff:ff:ff`,
    ...(info.ip
      ? [
          `    inet ${info.ip}/24 brd ${info.ip.replace(
            /\.\d+$/,
            '.255',
          )} scope global dynamic eth0`,
          '       valid_lft 86313548sec preferred_lft 86313548sec',
        ]
      : []),
  ];
}

/** The end of a pipeline: grep [-i] [-v], head [-n N], wc -l. */
function pipe(lines: string[], command: string): string[] {
  const [cmd, ...args] = command.split(/\s+/).filter(Boolean);
  const flags = args.filter(a => a.startsWith('-'));
  const operands = args.filter(a => !a.startsWith('-'));
  if (cmd === 'grep') {
    if (!operands[0]) return ['Usage: grep [OPTION]... PATTERNS [FILE]...'];
    const pattern = operands[0].replace(/^(["'])(.*)\1$/, '$2');
    const ignoreCase = flags.includes('-i');
    const invert = flags.includes('-v');
    return lines.filter(
      l =>
        (ignoreCase
          ? l.toLowerCase().includes(pattern.toLowerCase())
          : l.includes(pattern)) !== invert,
    );
  }
  if (cmd === 'head') {
    const count = args.includes('-n')
      ? args[args.indexOf('-n') + 1]
      : flags.find(f => /^-\d+$/.test(f))?.slice(1);
    const n = Number(count ?? 10);
    return lines.slice(0, n);
  }
  if (cmd === 'wc' && flags.includes('-l')) return [String(lines.length)];
  return [`-bash: ${cmd ?? ''}: command not found`];
}

/**
 * A guest's login and a small line-based shell, behind a tty line
 * discipline: typed characters are echoed (except passwords), backspace
 * erases, Ctrl-C abandons the line, Ctrl-D logs out. One per VMI and
 * terminal, so the guest keeps its state between console connections.
 */
export class GuestShell {
  private state: 'login' | 'password' | 'shell' = 'login';
  private line = '';
  private user = '';
  private escape = 0;
  private lastWasCr = false;
  private readonly listeners = new Set<Listener>();
  private frozen?: string;

  constructor(
    private readonly info: () => GuestInfo,
    private readonly tty: string,
  ) {}

  /** Subscribes to the terminal's output; returns the unsubscribe. */
  attach(listener: Listener) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get loggedInUser() {
    return this.state === 'shell' ? this.user : undefined;
  }

  /** What a new console connection sees: a fresh prompt (with the login banner when logged out). */
  greet() {
    this.line = '';
    if (this.state === 'shell') this.emit(`\r\n${this.prompt()}`);
    else this.showLogin();
  }

  /** A paused guest runs nothing: input waits in the serial line's buffer until it resumes. */
  setPaused(paused: boolean) {
    if (paused) {
      this.frozen = this.frozen ?? '';
      return;
    }
    const queued = this.frozen;
    this.frozen = undefined;
    if (queued) this.input(queued);
  }

  /** The guest reboots: whoever was logged in is gone, the kernel's last words, then a fresh login. */
  reboot() {
    this.frozen = undefined;
    this.line = '';
    this.user = '';
    this.emit('\r\nreboot: Restarting system\r\n');
    this.showLogin();
  }

  input(data: string) {
    if (this.frozen !== undefined) {
      this.frozen += data;
      return;
    }
    let echo = '';
    const flush = () => {
      if (echo) this.emit(echo);
      echo = '';
    };
    for (const ch of data) {
      const code = ch.codePointAt(0)!;
      // swallow escape sequences (arrow keys, function keys)
      if (this.escape === 1) {
        this.escape = ch === '[' || ch === 'O' ? 2 : 0;
        continue;
      }
      if (this.escape === 2) {
        if (code >= 0x40 && code <= 0x7e) this.escape = 0;
        continue;
      }
      if (code === 0x1b) {
        this.escape = 1;
        continue;
      }
      if (ch === '\n' && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        echo += '\r\n';
        flush();
        const line = this.line;
        this.line = '';
        this.submit(line);
      } else if (code === 0x7f || code === 0x08) {
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join('');
          if (this.state !== 'password') echo += '\b \b';
        }
      } else if (code === 0x03) {
        echo += '^C\r\n';
        flush();
        this.line = '';
        if (this.state === 'shell') this.emit(this.prompt());
        else this.showLogin(false);
      } else if (code === 0x04) {
        if (!this.line && this.state === 'shell') {
          flush();
          this.logout();
        }
      } else if (code === 0x0c) {
        flush();
        this.emit(
          CLEAR +
            (this.state === 'shell' ? this.prompt() : this.loginPrompt()) +
            this.line,
        );
      } else if (code >= 0x20) {
        this.line += ch;
        if (this.state !== 'password') echo += ch;
      }
    }
    flush();
  }

  private emit(output: string) {
    for (const l of this.listeners) l(output);
  }

  private loginPrompt() {
    return `${this.info().name} login: `;
  }

  private showLogin(banner = true) {
    const { os } = this.info();
    this.state = 'login';
    this.emit(
      banner
        ? `\r\n${os.prettyName}\r\nKernel ${os.kernelRelease} on an x86_64 (${
            this.tty
          })\r\n\r\n${this.loginPrompt()}`
        : this.loginPrompt(),
    );
  }

  private prompt() {
    const host = this.info().name;
    const sign = this.user === 'root' ? '#' : '$';
    return this.info().os.id === 'ubuntu'
      ? `${this.user}@${host}:~${sign} `
      : `[${this.user}@${host} ~]${sign} `;
  }

  private logout() {
    this.emit('logout\r\n');
    this.user = '';
    this.showLogin();
  }

  private submit(line: string) {
    if (this.state === 'login') {
      const user = line.trim();
      if (!user) {
        this.emit(this.loginPrompt());
        return;
      }
      this.user = user;
      this.state = 'password';
      this.emit('Password: ');
      return;
    }
    if (this.state === 'password') {
      if (!line) {
        this.user = '';
        this.emit('\r\nLogin incorrect\r\n');
        this.showLogin(false);
        return;
      }
      this.state = 'shell';
      this.emit(
        `Last login: ${unixDate(new Date(this.info().bootTime))} on ${
          this.tty
        }\r\n${this.prompt()}`,
      );
      return;
    }
    const [first, ...filters] = line.split('|').map(part => part.trim());
    let out =
      filters.length && !first
        ? [`-bash: syntax error near unexpected token \`|'`]
        : this.run(first);
    if (out === null) return;
    for (const filter of filters) out = pipe(out, filter);
    this.emit(out.map(l => `${l}\r\n`).join('') + this.prompt());
  }

  /** Runs one command; null when the shell is gone (logout). */
  private run(line: string): string[] | null {
    if (!line) return [];
    const info = this.info();
    const home = this.user === 'root' ? '/root' : `/home/${this.user}`;
    const expand = (s: string) =>
      s.replace(
        /\$\{?(USER|HOSTNAME|HOME)\}?/g,
        (_, v: string) =>
          ({ USER: this.user, HOSTNAME: info.name, HOME: home }[v] ?? ''),
      );
    const args = (line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(a =>
      /^(["']).*\1$/.test(a) ? a.slice(1, -1) : expand(a),
    );
    const [cmd, ...rest] = args;
    const kernel = info.os.kernelRelease;
    switch (cmd) {
      case 'whoami':
        return [this.user];
      case 'hostname':
        return [info.name];
      case 'uname': {
        const flag = rest[0] ?? '-s';
        if (flag === '-a')
          return [
            `Linux ${info.name} ${kernel} #1 SMP PREEMPT_DYNAMIC Tue Oct 22 20:11:15 UTC 2024 x86_64 GNU/Linux`,
          ];
        return [
          (
            {
              '-r': kernel,
              '-n': info.name,
              '-m': 'x86_64',
              '-s': 'Linux',
            } as Record<string, string>
          )[flag] ?? `uname: invalid option -- '${flag.replace(/^-+/, '')}'`,
        ];
      }
      case 'uptime':
        return [uptimeText(info, Date.now())];
      case 'date':
        return [unixDate(new Date())];
      case 'echo':
        return [rest.join(' ')];
      case 'pwd':
        return [home];
      case 'nproc':
        return [String(info.vcpus)];
      case 'free': {
        const mib = Math.round(info.memoryBytes / 1048576);
        const used = Math.round(mib * 0.23);
        return [
          '               total        used        free      shared  buff/cache   available',
          `Mem:      ${String(mib).padStart(10)}  ${String(used).padStart(
            10,
          )}  ${String(mib - used - 180).padStart(
            10,
          )}           1         180  ${String(mib - used).padStart(10)}`,
          'Swap:              0           0           0',
        ];
      }
      case 'ls':
        if (rest[0] === '/') return [ROOT_DIRS];
        if (rest[0] && rest[0] !== '~' && rest[0] !== home && rest[0] !== '.')
          return [`ls: cannot access '${rest[0]}': No such file or directory`];
        return ['hello.txt'];
      case 'cat': {
        if (!rest.length) return [];
        return rest.flatMap(file => {
          if (file === '/etc/os-release' || file === '/usr/lib/os-release')
            return osRelease(info);
          if (file === '/etc/hostname') return [info.name];
          if (file === 'hello.txt' || file === `${home}/hello.txt`)
            return [`Hello from ${info.name}!`];
          return [`cat: ${file}: No such file or directory`];
        });
      }
      case 'ip':
        if (['a', 'addr', 'address'].includes(rest[0] ?? ''))
          return ipAddr(info);
        return [
          'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }',
          'where  OBJECT := { address | ... }',
        ];
      case 'clear':
        this.emit(CLEAR);
        return [];
      case 'help':
        return [`Commands: ${HELP.join(', ')}`];
      case 'exit':
      case 'logout':
        this.logout();
        return null;
      default:
        return [`-bash: ${cmd}: command not found`];
    }
  }
}

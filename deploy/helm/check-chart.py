#!/usr/bin/env python3
"""Renders deploy/helm/herald without helm (not packaged for Debian 12) and checks the result.

A small evaluator for the template subset the chart uses ({{- -}}, if/else/end, range over a map,
.Values/.Release, quote, splitList, last, add, toYaml, nindent), then YAML-parses each manifest and
checks the probes, ports, drain timing and Kubernetes' "restricted" Pod Security fields, for the
default values, for adminListen and probePrefix set, for a static list without backend.host and for
k8sreq-duplicator's deployment. Usage: deploy/helm/check-chart.py
"""
import copy, pathlib, re, sys
import yaml

CHART = pathlib.Path(__file__).resolve().parent / 'herald'
ACTION = re.compile(r'\{\{(-?)\s*(.*?)\s*(-?)\}\}', re.S)


def tokens(text):
    out, pos = [], 0
    for m in ACTION.finditer(text):
        chunk = text[pos:m.start()]
        if m.group(1):
            chunk = chunk.rstrip()
        out.append(('text', chunk))
        out.append(('action', m.group(2), bool(m.group(3))))
        pos = m.end()
    out.append(('text', text[pos:]))
    for i, tok in enumerate(out):  # a trailing '-}}' trims the following text's leading space
        if tok[0] == 'action' and tok[2] and i + 1 < len(out):
            out[i + 1] = ('text', out[i + 1][1].lstrip())
    return out


def value(expr, scope):
    expr = expr.strip()
    if expr.startswith('"'):
        return expr[1:-1]
    if re.fullmatch(r'-?\d+', expr):
        return int(expr)
    if expr.startswith('$'):
        return scope[expr]
    node = scope['.']
    for part in expr.lstrip('.').split('.'):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def call(words, scope, piped=None):
    name, args = words[0], [value(w, scope) for w in words[1:]]
    if piped is not None:
        args.append(piped)
    if name == 'quote':
        return '"%s"' % args[0]
    if name == 'splitList':
        return str(args[1]).split(args[0])
    if name == 'last':
        return args[0][-1]
    if name == 'add':
        return sum(int(a) for a in args)
    if name == 'toYaml':
        return yaml.safe_dump(args[0], default_flow_style=False).rstrip()
    if name == 'nindent':
        return '\n' + '\n'.join(' ' * args[0] + line for line in str(args[1]).splitlines())
    if len(words) == 1 and piped is None:
        return value(name, scope)
    raise ValueError('unsupported template function: ' + name)


def evaluate(expr, scope):
    result = None
    for i, stage in enumerate(expr.split('|')):
        words = re.findall(r'"[^"]*"|\S+', stage)
        result = call(words, scope, None if i == 0 else result)
    return result


def render(toks, scope):
    out, i = [], 0
    while i < len(toks):
        tok = toks[i]
        if tok[0] == 'text':
            out.append(tok[1])
            i += 1
            continue
        action = tok[1]
        if action.startswith(('if ', 'range ')):
            depth, j, middle = 0, i + 1, None
            while True:  # find this block's else and end
                t = toks[j]
                if t[0] == 'action':
                    if t[1].startswith(('if ', 'range ')):
                        depth += 1
                    elif t[1] == 'end' and depth == 0:
                        break
                    elif t[1] == 'end':
                        depth -= 1
                    elif t[1] == 'else' and depth == 0:
                        middle = j
                j += 1
            body = toks[i + 1:middle or j]
            other = toks[middle + 1:j] if middle else []
            if action.startswith('if '):
                out.append(render(body if evaluate(action[3:], scope) else other, scope))
            else:
                m = re.fullmatch(r'range (\$\w+), (\$\w+) := (.+)', action)
                for key, val in sorted((evaluate(m.group(3), scope) or {}).items()):
                    out.append(render(body, dict(scope, **{m.group(1): key, m.group(2): val})))
            i = j + 1
            continue
        out.append(str(evaluate(action, scope)))
        i += 1
    return ''.join(out)


def manifests(values):
    scope = {'.': {'Values': values, 'Release': {'Name': 'test'}}}
    docs = {}
    for path in sorted((CHART / 'templates').glob('*.yaml')):
        docs[path.stem] = yaml.safe_load(render(tokens(path.read_text()), scope))
    return docs


def check(values, label):
    problems = []
    docs = manifests(values)
    pod = docs['deployment']['spec']['template']['spec']
    container = pod['containers'][0]
    sc, csc = pod.get('securityContext', {}), container.get('securityContext', {})
    need = {
        'runAsNonRoot': sc.get('runAsNonRoot') or csc.get('runAsNonRoot'),
        'allowPrivilegeEscalation false': csc.get('allowPrivilegeEscalation') is False,
        'capabilities drop ALL': 'ALL' in csc.get('capabilities', {}).get('drop', []),
        'seccompProfile RuntimeDefault': (sc.get('seccompProfile') or csc.get('seccompProfile') or {}).get('type') == 'RuntimeDefault',
        'readOnlyRootFilesystem': csc.get('readOnlyRootFilesystem') is True,
    }
    problems += ['securityContext lacks ' + k for k, ok in need.items() if not ok]
    env = {e['name']: e.get('value') for e in container['env']}
    ports = {p['name']: p['containerPort'] for p in container['ports']}
    if ports.get('http') != int(values['listen'].split(':')[-1]):
        problems.append('containerPort http %s does not follow listen %s' % (ports.get('http'), values['listen']))
    if env.get('HERALD_LISTEN') != values['listen']:
        problems.append('HERALD_LISTEN is not the listen value')
    drain = int(env['HERALD_DRAIN_TIMEOUT'].rstrip('s'))
    if pod['terminationGracePeriodSeconds'] <= drain + values['preStopSleepSeconds']:
        problems.append('terminationGracePeriodSeconds is not above preStop + drain')
    if 'preStop' not in container.get('lifecycle', {}):
        problems.append('no preStop hook')
    live, ready = container['livenessProbe'], container['readinessProbe']
    if values['adminListen']:
        if ports.get('admin') != int(values['adminListen'].split(':')[-1]):
            problems.append('no containerPort for the admin port')
        if live.get('httpGet') != {'path': '/livez', 'port': 'admin'} or ready.get('httpGet') != {'path': '/readyz', 'port': 'admin'}:
            problems.append('probes are not httpGet on the admin port')
    elif live.get('exec', {}).get('command') != ['herald', 'probe'] or ready.get('exec', {}).get('command') != ['herald', 'probe', '--ready']:
        problems.append('probes are not `herald probe`')
    if values['probePrefix'] and env.get('HERALD_PROBE_PREFIX') != values['probePrefix']:
        problems.append('HERALD_PROBE_PREFIX does not follow probePrefix')
    # An empty backend.host leaves the DNS source out, so a static list in env is the source.
    if ('HERALD_DNS_NAME' in env) != bool(values['backend']['host']):
        problems.append('HERALD_DNS_NAME does not follow backend.host')
    mounts = {m['mountPath'] for m in container.get('volumeMounts', [])}
    if '/tmp' not in mounts:
        problems.append('no writable /tmp under the read-only root')
    if values['metricsListen'] and ports.get('metrics') != int(values['metricsListen'].split(':')[-1]):
        problems.append('no containerPort metrics for metricsListen')
    if values['metricsListen'] and env.get('HERALD_METRICS_LISTEN') != values['metricsListen']:
        problems.append('HERALD_METRICS_LISTEN does not follow metricsListen')
    if bool(values['backend']['host']) != ('HERALD_DNS_NAME' in env):
        problems.append('HERALD_DNS_NAME does not follow backend.host')
    if values['requestClonesConfigMap']:
        volumes = {v['name']: v for v in pod['volumes']}
        if (env.get('HERALD_REQUESTCLONES') != '/etc/herald/requestclones'
                or '/etc/herald/requestclones' not in mounts
                or volumes.get('requestclones', {}).get('configMap', {}).get('name') != values['requestClonesConfigMap']):
            problems.append('requestClonesConfigMap is not mounted and read as HERALD_REQUESTCLONES')
    for problem in problems:
        print('check-chart: %s: %s' % (label, problem), file=sys.stderr)
    return not problems


def main():
    defaults = yaml.safe_load((CHART / 'values.yaml').read_text())
    cases = {'default values': {}, 'adminListen :9090': {'adminListen': ':9090'},
             'probePrefix and listen :8090': {'probePrefix': '/_herald', 'listen': ':8090'},
             'static targets (Red Tentacle)': {'backend': {'host': '', 'port': 6081},
                                               'env': {'BACKEND_SERVERS': 'http://dc1.example:80,http://dc2.example:80'}},
             'k8sreq-duplicator: RequestClones, probe and metrics ports':
                 {'adminListen': ':9557', 'metricsListen': ':9556', 'backend': {'host': '', 'port': 6081},
                  'requestClonesConfigMap': 'herald-requestclones'}}
    ok = True
    for label, override in cases.items():
        values = copy.deepcopy(defaults)
        values.update(override)
        try:
            ok = check(values, label) and ok
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            print('check-chart: %s: the manifest lacks a field: %r' % (label, error), file=sys.stderr)
            ok = False
    print('check-chart: %s (%d value sets rendered and checked)' % ('ok' if ok else 'FAILED', len(cases)))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

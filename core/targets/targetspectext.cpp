#include "targets/targetspectext.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

namespace herald {

namespace {

const QLatin1String dnsPrefix("dns:");
const QLatin1String srvPrefix("srv:");

// An option line becomes the JSON field of the same name, so TargetSourceSpec::fromJson checks
// it with the words a profile's "targets" gets: the two forms cannot drift apart.
QString applyOption(const QString &key, const QString &value, QJsonObject *options)
{
    QJsonValue json(value);
    if (key == QLatin1String("refreshSeconds")) {
        bool ok = false;
        json = value.toDouble(&ok);
        if (!ok)
            return QStringLiteral("\"refreshSeconds\" must be a number from 0 to 86400");
    }
    QJsonObject probe{{QLatin1String("static"), QJsonArray()}, {key, json}};
    TargetSourceSpec unused;
    QString error;
    if (!TargetSourceSpec::fromJson(probe, &unused, &error))
        return error;
    options->insert(key, json);
    return {};
}

// The TLS lines read so far: the "tls" object of the JSON form and the line each key is on.
struct TlsLines
{
    QJsonObject json;
    QHash<QString, int> lineOf;
    int first = 0;
};

// A `tls.KEY=VALUE` line is checked by TargetTls itself, key by key, so a missing file is reported
// on its own line; what needs two keys waits for the whole (TargetTls::fromJson).
QString applyTls(const QString &key, const QString &value, int line, TlsLines *tls)
{
    if (tls->lineOf.contains(key))
        return QStringLiteral("tls.%1 is already set on line %2").arg(key).arg(tls->lineOf.value(key));
    QJsonValue json(value);
    if (key == QLatin1String("verify") && (value == QLatin1String("true") || value == QLatin1String("false")))
        json = value == QLatin1String("true");
    TargetTls probe;
    QString error;
    if (!TargetTls::readKey(key, json, &probe, &error))
        return error;
    tls->json.insert(key, json);
    tls->lineOf.insert(key, line);
    tls->first = tls->first > 0 ? tls->first : line;
    return {};
}

} // namespace

QList<TargetSpecText::LineError> TargetSpecText::parse(const QString &text, TargetSourceSpec *spec)
{
    static const QRegularExpression option(QStringLiteral("^(nameserver|scheme|pathPrefix|refreshSeconds)\\s*=\\s*(.*)$"));
    static const QRegularExpression tlsOption(QStringLiteral("^tls\\.([A-Za-z]*)\\s*=\\s*(.*)$"));
    QList<LineError> errors;
    TlsLines tls;
    QJsonArray urls;
    QJsonObject json;
    int resolvingLine = 0; // the dns: or srv: line, which stands alone
    int firstUrlLine = 0;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int number = i + 1;
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QRegularExpressionMatch match = option.match(line);
        const QRegularExpressionMatch tlsMatch = tlsOption.match(line);
        QString error;
        const bool dns = line.startsWith(dnsPrefix);
        if (tlsMatch.hasMatch()) {
            error = applyTls(tlsMatch.captured(1), tlsMatch.captured(2).trimmed(), number, &tls);
        } else if (match.hasMatch()) {
            error = applyOption(match.captured(1), match.captured(2).trimmed(), &json);
        } else if (dns || line.startsWith(srvPrefix)) {
            TargetSourceSpec probe;
            const QString name = line.mid(4);
            if (resolvingLine > 0)
                error = QStringLiteral("only one dns: or srv: line per group (line %1 is one)").arg(resolvingLine);
            else if (firstUrlLine > 0)
                error = QStringLiteral("a group is URLs or one dns:/srv: line, not both (line %1 is a URL)").arg(firstUrlLine);
            else if (dns ? TargetSourceSpec::parseDns(name, &probe, &error) : TargetSourceSpec::parseSrv(name, &probe, &error))
                json.insert(dns ? QLatin1String("dns") : QLatin1String("srv"), name.trimmed());
            if (resolvingLine == 0 && firstUrlLine == 0)
                resolvingLine = number;
        } else if (resolvingLine > 0) {
            error = QStringLiteral("a group is URLs or one dns:/srv: line, not both (line %1 is %2)")
                        .arg(resolvingLine)
                        .arg(lines.at(resolvingLine - 1).trimmed());
        } else if (Target::parse(line, &error).isValid()) {
            urls.append(line);
            firstUrlLine = firstUrlLine > 0 ? firstUrlLine : number;
        }
        if (!error.isEmpty())
            errors.append({number, error});
    }
    if (!errors.isEmpty())
        return errors;
    if (resolvingLine == 0 && urls.isEmpty())
        return {{0, QStringLiteral("no targets: write one URL per line, or dns:NAME:PORT, or srv:NAME")}};
    if (resolvingLine == 0)
        json.insert(QLatin1String("static"), urls);
    QString error;
    TargetSourceSpec result;
    if (!TargetSourceSpec::fromJson(json, &result, &error))
        return {{0, error}}; // every line passed on its own; kept for what only the whole can show
    if (tls.first > 0) {
        TargetTls checked;
        QString key;
        if (!TargetTls::fromJson(tls.json, &checked, &error, &key))
            return {{tls.lineOf.value(key, tls.first), error}};
        // The targets are right without TLS, so what is left ("tls" needs https) is the TLS lines'.
        json.insert(QLatin1String("tls"), tls.json);
        if (!TargetSourceSpec::fromJson(json, &result, &error))
            return {{tls.first, error}};
    }
    *spec = result;
    return {};
}

QString TargetSpecText::format(const TargetSourceSpec &spec)
{
    QStringList lines;
    switch (spec.kind) {
    case TargetSourceSpec::Kind::Static:
        for (const Target &target : spec.targets)
            lines.append(target.baseUrl.toString());
        break;
    case TargetSourceSpec::Kind::Dns:
        lines.append(QStringLiteral("dns:%1:%2").arg(spec.name).arg(spec.port));
        break;
    case TargetSourceSpec::Kind::Srv:
        lines.append(QStringLiteral("srv:%1").arg(spec.name));
        break;
    }
    const QJsonObject json = spec.toJson();
    for (const char *key : {"nameserver", "scheme", "pathPrefix", "refreshSeconds"}) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (!value.isUndefined())
            lines.append(QStringLiteral("%1=%2").arg(QLatin1String(key),
                                                     value.isDouble() ? QString::number(value.toDouble()) : value.toString()));
    }
    if (spec.tls) {
        const QJsonObject tls = spec.tls->toJson();
        for (const QString &key : TargetTls::keys()) {
            const QJsonValue value = tls.value(key);
            if (value.isBool())
                lines.append(QStringLiteral("tls.%1=%2").arg(key, value.toBool() ? QLatin1String("true") : QLatin1String("false")));
            else if (!value.isUndefined())
                lines.append(QStringLiteral("tls.%1=%2").arg(key, value.toString()));
        }
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace herald

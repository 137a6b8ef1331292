#include "targets/targetspectext.h"

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

} // namespace

QList<TargetSpecText::LineError> TargetSpecText::parse(const QString &text, TargetSourceSpec *spec)
{
    static const QRegularExpression option(QStringLiteral("^(nameserver|scheme|pathPrefix|refreshSeconds)\\s*=\\s*(.*)$"));
    QList<LineError> errors;
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
        QString error;
        const bool dns = line.startsWith(dnsPrefix);
        if (match.hasMatch()) {
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
    if (!TargetSourceSpec::fromJson(json, spec, &error))
        return {{0, error}}; // every line passed on its own; kept for what only the whole can show
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
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace herald

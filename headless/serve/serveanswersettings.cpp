#include "serve/serveanswersettings.h"

#include "common/settingvalues.h"

namespace herald {

namespace {

QString answerModeName(AnswerMode mode)
{
    switch (mode) {
    case AnswerMode::Summary:
        return QStringLiteral("summary");
    case AnswerMode::Winner:
        return QStringLiteral("winner");
    case AnswerMode::Auto:
        break;
    }
    return QStringLiteral("auto");
}

} // namespace

QList<SettingsTable<ServeConfig>::Setting> ServeAnswerSettings::rows()
{
    using C = ServeConfig;
    using Table = SettingsTable<ServeConfig>;
    QList<Table::Setting> table;
    const auto add = Table::appender(table);

    add(
        QStringLiteral("HERALD_ANSWER"), {}, QStringLiteral("answer"),
        QStringLiteral("What a caller gets: auto (default: the first 2xx target's own answer under policy first, the JSON "
                       "summary otherwise), summary (always the JSON summary) or winner (the first 2xx target's status, "
                       "headers and body under any policy; 502 with the reason when the policy is not met)."),
        [](C &c, const QString &v) {
            const QString value = v.trimmed().toLower();
            if (value == QLatin1String("auto"))
                c.answerMode = AnswerMode::Auto;
            else if (value == QLatin1String("summary"))
                c.answerMode = AnswerMode::Summary;
            else if (value == QLatin1String("winner"))
                c.answerMode = AnswerMode::Winner;
            else
                return QStringLiteral("expected auto, summary or winner");
            return QString();
        },
        [](const C &c) { return answerModeName(c.answerMode); });
    add(
        QStringLiteral("HERALD_ANSWER_MAX_BODY"), {}, QStringLiteral("answer-max-body"),
        QStringLiteral("Largest winner's body passed back whole (default 64MiB, at most 1GiB); a larger one is answered 502 "
                       "with the reason, never cut."),
        [](C &c, const QString &v) {
            qint64 bytes = 0;
            const QString error = SettingValues::parseBytes(v, &bytes);
            if (!error.isEmpty())
                return error;
            // The transport keeps a body in one QByteArray, whose size is an int.
            if (bytes > 1024LL * 1024 * 1024)
                return QStringLiteral("expected at most 1GiB");
            c.answerMaxBodyBytes = bytes;
            return QString();
        },
        [](const C &c) { return QString::number(c.answerMaxBodyBytes); });
    add(
        QStringLiteral("HERALD_TARGETS_UPDATE_PATH"), {}, QStringLiteral("targets-update"),
        QStringLiteral("Path on the broadcast port where POST ?backends=URL,URL replaces the static targets until the next "
                       "SIGHUP or restart (default none: off; Red Tentacle's /-update-backends). Allowed from "
                       "HERALD_ADMIN_ALLOWED_CLIENTS or with the HERALD_ADMIN_TOKEN bearer token."),
        [](C &c, const QString &v) {
            const QString path = v.trimmed();
            if (!path.isEmpty() && (!path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char('?'))))
                return QStringLiteral("expected a path like /-update-backends");
            c.targetsUpdatePath = path;
            return QString();
        },
        [](const C &c) { return c.targetsUpdatePath; });
    add(
        QStringLiteral("HERALD_ADMIN_ALLOWED_CLIENTS"), {}, QStringLiteral("admin-clients"),
        QStringLiteral("Client CIDRs that may use HERALD_TARGETS_UPDATE_PATH without the admin token, comma-separated "
                       "(default 127.0.0.0/8,::1/128; none: only the token)."),
        [](C &c, const QString &v) {
            c.adminAllowedClients.clear();
            if (v.trimmed().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
                return QString();
            for (const QString &cidr : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const auto subnet = QHostAddress::parseSubnet(cidr.trimmed());
                if (subnet.first.isNull())
                    return QStringLiteral("'%1' is not a CIDR like 10.0.0.0/8").arg(cidr.trimmed());
                c.adminAllowedClients.append(subnet);
            }
            return QString();
        },
        [](const C &c) {
            QStringList list;
            for (const auto &subnet : c.adminAllowedClients)
                list.append(QStringLiteral("%1/%2").arg(subnet.first.toString()).arg(subnet.second));
            return list.isEmpty() ? QStringLiteral("none") : list.join(QLatin1Char(','));
        });
    return table;
}

} // namespace herald

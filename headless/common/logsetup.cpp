#include "common/logsetup.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

namespace herald {

namespace {

enum class Format { Text, Json, Fluentd };
Format g_format = Format::Text;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warn";
    case QtCriticalMsg:
    case QtFatalMsg:
        return "error";
    }
    return "info";
}

void writeMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QByteArray line;
    if (g_format == Format::Fluentd) {
        // The keys fluentd's json parser and its Google Cloud output read without configuration:
        // "time" (the parser's default time_key), "severity" in upper case, and "message".
        const QJsonObject object{{QLatin1String("time"), time},
                                 {QLatin1String("severity"), QString::fromLatin1(levelName(type)).toUpper()},
                                 {QLatin1String("logger"), QLatin1String(context.category ? context.category : "default")},
                                 {QLatin1String("message"), message}};
        line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    } else if (g_format == Format::Json) {
        const QJsonObject object{{QLatin1String("time"), time},
                                 {QLatin1String("level"), QLatin1String(levelName(type))},
                                 {QLatin1String("logger"), QLatin1String(context.category ? context.category : "default")},
                                 {QLatin1String("msg"), message}};
        line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    } else {
        line = QStringLiteral("%1 %2 %3: %4")
                   .arg(time, QLatin1String(levelName(type)), QLatin1String(context.category ? context.category : "default"),
                        message)
                   .toUtf8();
    }
    line += '\n';
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

void LogSetup::install(const QString &format, const QString &level)
{
    g_format = format == QLatin1String("json")      ? Format::Json
               : format == QLatin1String("fluentd") ? Format::Fluentd
                                                    : Format::Text;
    qInstallMessageHandler(writeMessage);
    QString rules = QStringLiteral("herald.*.debug=%1\nherald.*.info=%2\n*.warning=%3\n")
                        .arg(level == QLatin1String("debug") ? QStringLiteral("true") : QStringLiteral("false"))
                        .arg(level == QLatin1String("debug") || level == QLatin1String("info") ? QStringLiteral("true")
                                                                                               : QStringLiteral("false"))
                        .arg(level == QLatin1String("error") ? QStringLiteral("false") : QStringLiteral("true"));
    QLoggingCategory::setFilterRules(rules);
}

} // namespace herald

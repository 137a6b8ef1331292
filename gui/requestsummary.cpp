#include "requestsummary.h"

#include "statusicons.h"

#include <QCryptographicHash>
#include <QStringDecoder>

namespace herald {

namespace {

constexpr qsizetype shownCharacters = 40;

bool isText(const QByteArray &bytes, QString *decoded)
{
    QStringDecoder utf8(QStringDecoder::Utf8);
    *decoded = utf8(bytes);
    if (utf8.hasError())
        return false;
    for (const QChar c : *decoded) {
        if (c.category() == QChar::Other_Control && c != QLatin1Char('\n') && c != QLatin1Char('\t') && c != QLatin1Char('\r'))
            return false;
    }
    return true;
}

} // namespace

QString RequestSummary::headers(const BroadcastRequest &request, const QString &separator)
{
    QStringList parts;
    for (const HttpHeader &header : request.headers)
        parts.append(QStringLiteral("%1: %2").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second)));
    return parts.join(separator);
}

QString RequestSummary::body(const BroadcastRequest &request)
{
    if (request.body.isEmpty())
        return {};
    const QByteArray type = headerValue(request.headers, "Content-Type");
    QString summary = StatusIcons::byteCount(request.body.size()) + QStringLiteral(", ")
                      + (type.isEmpty() ? QStringLiteral("no content type") : QString::fromLatin1(type));
    QString text;
    if (isText(request.body, &text)) {
        text = text.simplified();
        if (text.size() > shownCharacters)
            text = text.left(shownCharacters) + QChar(0x2026);
        return summary + QStringLiteral(": \"%1\"").arg(text);
    }
    // Binary bytes say nothing on screen; the hash's start tells two bodies apart.
    const QByteArray hash = QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
    return summary + QStringLiteral(", sha256 %1").arg(QString::fromLatin1(hash.left(12)));
}

QString RequestSummary::text(const BroadcastRequest &request)
{
    QString text = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), QString::fromUtf8(request.pathAndQuery));
    if (!request.headers.isEmpty())
        text += QLatin1Char('\n') + headers(request, QStringLiteral("\n"));
    const QString bodyText = body(request);
    text += QLatin1Char('\n') + (bodyText.isEmpty() ? tr("no body") : QStringLiteral("body: ") + bodyText);
    return text;
}

} // namespace herald

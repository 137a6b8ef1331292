#include "targets/targetform.h"

namespace herald {

TargetForm::TargetForm(const Target &target)
{
    const QUrl &url = target.baseUrl;
    m_urlText = url.toString().toUtf8();
    m_prefix = url.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_hasOwnQuery = url.hasQuery();
    if (m_hasOwnQuery)
        m_ownQuery = url.query(QUrl::FullyEncoded).toLatin1();
    m_emptyPath = url.path().isEmpty();

    const QString scheme = url.scheme();
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const int port = url.port(scheme == QLatin1String("https") ? 443 : 80);
    m_key.reserve(scheme.size() + host.size() + path.size() + m_ownQuery.size() + 12);
    m_key += scheme;
    m_key += QLatin1String("://");
    m_key += host;
    m_key += QLatin1Char(':');
    m_key += QString::number(port);
    m_key += path;
    if (m_hasOwnQuery) {
        m_key += QLatin1Char('?');
        m_key += QString::fromLatin1(m_ownQuery);
    }

    m_hostHeader = url.host(QUrl::FullyEncoded).toUtf8();
    if (m_hostHeader.contains(':'))
        m_hostHeader = '[' + m_hostHeader + ']';
    if (url.port() != -1)
        m_hostHeader += ':' + QByteArray::number(url.port());
}

QUrl TargetForm::urlFor(const QByteArray &pathAndQuery, bool exactPath) const
{
    // Built from encoded text so the client's query and escapes reach the backend byte for
    // byte (a seed dropped the query string; Varnish keys on it).
    const int question = pathAndQuery.indexOf('?');
    QByteArray url = m_prefix;
    if (exactPath) {
        if (m_emptyPath)
            url += '/';
    } else {
        while (url.endsWith('/'))
            url.chop(1);
        const QByteArrayView path = question < 0 ? QByteArrayView(pathAndQuery) : QByteArrayView(pathAndQuery).first(question);
        if (!path.startsWith('/'))
            url += '/';
        url += path;
    }
    if (question >= 0 || m_hasOwnQuery) {
        url += '?';
        url += m_ownQuery;
        if (question >= 0) {
            const QByteArrayView query = QByteArrayView(pathAndQuery).sliced(question + 1);
            if (m_hasOwnQuery && !query.isEmpty())
                url += '&';
            url += query;
        }
    }
    return QUrl::fromEncoded(url, QUrl::TolerantMode);
}

} // namespace herald

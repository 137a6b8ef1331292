#include "targets/targetform.h"

namespace herald {

TargetForm::TargetForm(const Target &target)
{
    const QUrl &url = target.baseUrl;
    prepareUrl(url);
    m_key = keyOf(url);
    m_urlText = url.toString().toUtf8();
    m_hostHeader = hostHeaderOf(url);
}

QByteArray TargetForm::hostHeaderOf(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (url.port() != -1)
        host += ':' + QByteArray::number(url.port());
    return host;
}

void TargetForm::prepareUrl(const QUrl &url)
{
    m_prefix = url.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_hasOwnQuery = url.hasQuery();
    if (m_hasOwnQuery)
        m_ownQuery = url.query(QUrl::FullyEncoded).toLatin1();
    m_emptyPath = url.path().isEmpty();
}

QString TargetForm::keyOf(const QUrl &url)
{
    const QString scheme = url.scheme();
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QString query = url.hasQuery() ? url.query(QUrl::FullyEncoded) : QString();
    const int port = url.port(scheme == QLatin1String("https") ? 443 : 80);
    QString key;
    key.reserve(scheme.size() + host.size() + path.size() + query.size() + 12);
    key += scheme;
    key += QLatin1String("://");
    key += host;
    key += QLatin1Char(':');
    key += QString::number(port);
    key += path;
    if (url.hasQuery()) {
        key += QLatin1Char('?');
        key += query;
    }
    return key;
}

QUrl TargetForm::urlOf(const QUrl &baseUrl, const QByteArray &pathAndQuery, bool exactPath)
{
    TargetForm form;
    form.prepareUrl(baseUrl);
    return form.urlFor(pathAndQuery, exactPath);
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

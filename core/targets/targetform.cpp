#include "targets/targetform.h"

#include <array>
#include <string_view>

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
    m_authority = url.toEncoded(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_origin = url.toEncoded(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_path = url.path(QUrl::FullyEncoded).toUtf8();
    m_hasOwnQuery = url.hasQuery();
    if (m_hasOwnQuery)
        m_ownQuery = url.query(QUrl::FullyEncoded).toLatin1();
    m_emptyPath = url.path().isEmpty();
    m_rootOnly = (m_path.isEmpty() || m_path == "/") && !m_hasOwnQuery;
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
    return urlOfTarget(requestTargetFor(pathAndQuery, exactPath));
}

QUrl TargetForm::urlOfTarget(const QByteArray &requestTarget) const
{
    return QUrl::fromEncoded(m_authority + requestTarget, QUrl::TolerantMode);
}

QByteArray TargetForm::requestTargetFor(const QByteArray &pathAndQuery, bool exactPath) const
{
    // Built from encoded text so the client's query and escapes reach the backend byte for
    // byte (a seed dropped the query string; Varnish keys on it).
    if (m_rootOnly && !exactPath && pathAndQuery.startsWith('/'))
        return pathAndQuery; // what the steps below would build, shared instead of copied
    const qsizetype question = pathAndQuery.indexOf('?');
    QByteArray target;
    target.reserve(m_path.size() + pathAndQuery.size() + m_ownQuery.size() + 3);
    target += m_path;
    if (exactPath) {
        if (m_emptyPath)
            target += '/';
    } else {
        while (target.endsWith('/'))
            target.chop(1);
        const QByteArrayView path = question < 0 ? QByteArrayView(pathAndQuery) : QByteArrayView(pathAndQuery).first(question);
        if (!path.startsWith('/'))
            target += '/';
        target += path;
    }
    if (question >= 0 || m_hasOwnQuery) {
        target += '?';
        target += m_ownQuery;
        if (question >= 0) {
            const QByteArrayView query = QByteArrayView(pathAndQuery).sliced(question + 1);
            if (m_hasOwnQuery && !query.isEmpty())
                target += '&';
            target += query;
        }
    }
    return target;
}

bool TargetForm::keepsAsIs(QByteArrayView requestTarget)
{
    // RFC 3986's unreserved and sub-delimiter characters with ':', '@', '/', '?', '[' and ']':
    // what QUrl::fromEncoded() followed by toEncoded() gives back unchanged (tst_targetform checks
    // every byte). A '%' is left to QUrl, which upper-cases escapes and decodes unreserved ones.
    static constexpr auto table = [] {
        std::array<bool, 256> keeps{};
        for (const unsigned char c : std::string_view("!$&'()*+,-./0123456789:;=?@[]_~"))
            keeps[c] = true;
        for (unsigned char c = 'a'; c <= 'z'; ++c)
            keeps[c] = keeps[c - 'a' + 'A'] = true;
        return keeps;
    }();
    for (const char c : requestTarget) {
        if (!table[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

} // namespace herald

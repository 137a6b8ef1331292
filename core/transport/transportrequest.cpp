#include "transport/transportrequest.h"

namespace herald {

void TransportRequest::setUrl(const QUrl &url)
{
    m_url = url;
    m_urlMade = true;
    m_authority.clear();
    m_origin.clear();
    m_requestTarget.clear();
}

void TransportRequest::setUrlParts(const QByteArray &authority, const QByteArray &origin, const QByteArray &requestTarget)
{
    m_authority = authority;
    m_origin = origin;
    m_requestTarget = requestTarget;
    m_url = QUrl();
    m_urlMade = false;
}

const QUrl &TransportRequest::url() const
{
    if (!m_urlMade) {
        m_url = QUrl::fromEncoded(m_authority + m_requestTarget, QUrl::TolerantMode);
        m_urlMade = true;
    }
    return m_url;
}

QByteArray TransportRequest::origin() const
{
    if (!m_origin.isEmpty())
        return m_origin;
    return m_url.toEncoded(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

QByteArray TransportRequest::requestTarget() const
{
    if (!m_origin.isEmpty())
        return m_requestTarget;
    QByteArray target = m_url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (!target.startsWith('/'))
        target.prepend('/');
    return target;
}

bool TransportRequest::isPlainHttp() const
{
    if (!m_origin.isEmpty())
        return m_origin.startsWith("http://");
    return m_url.scheme() == QLatin1String("http");
}

} // namespace herald

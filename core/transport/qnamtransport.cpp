#include "transport/qnamtransport.h"

#include "transport/qnamcall.h"

#include <QBuffer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

namespace herald {

QnamTransport::QnamTransport(QObject *parent)
    : Transport(parent)
    , m_manager(new QNetworkAccessManager(this))
{
    qRegisterMetaType<herald::TransportResponse>();
    m_manager->setProxy(QNetworkProxy::NoProxy);
    m_manager->setCookieJar(nullptr);
    m_manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_manager->setAutoDeleteReplies(false);
}

TransportCall *QnamTransport::send(const TransportRequest &request, QObject *parent)
{
    QNetworkRequest networkRequest(request.url());
    networkRequest.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    networkRequest.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    networkRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    networkRequest.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    networkRequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, request.http2);
    networkRequest.setAttribute(QNetworkRequest::Http2DirectAttribute,
                                request.http2 && request.url().scheme() == QLatin1String("http"));
    const bool https = request.url().scheme() == QLatin1String("https");
    if (https && request.tls) {
        // QNAM keeps a connection per host, port and verify name; a second TLS setting for the
        // same backend would get the first one's connection (docs/serve.md says so).
        networkRequest.setSslConfiguration(m_tlsConfigs.configurationFor(*request.tls, m_verifyPeer));
        if (!request.tls->serverName.isEmpty())
            networkRequest.setPeerVerifyName(request.tls->serverName); // Qt sends it as SNI too
    } else if (https && !m_verifyPeer) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        networkRequest.setSslConfiguration(ssl);
    }
    for (const HttpHeader &header : request.headers)
        networkRequest.setRawHeader(header.first, header.second);

    QNetworkReply *reply = nullptr;
    if (request.method == "HEAD") {
        // A custom verb would make QNAM wait for the body that Content-Length announces.
        reply = m_manager->head(networkRequest);
    } else if (request.sendBody || !request.body.isEmpty()) {
        // QBuffer over the shared QByteArray: the bytes are not copied for this target.
        auto *buffer = new QBuffer;
        buffer->setData(request.body);
        buffer->open(QIODevice::ReadOnly);
        networkRequest.setHeader(QNetworkRequest::ContentLengthHeader, request.body.size());
        reply = m_manager->sendCustomRequest(networkRequest, request.method, buffer);
        buffer->setParent(reply);
    } else {
        reply = m_manager->sendCustomRequest(networkRequest, request.method);
    }
    return new QnamCall(reply, request, parent);
}

} // namespace herald

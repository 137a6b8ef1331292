#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

namespace herald {

// How Herald speaks TLS to one https target when the defaults will not do: a private CA, a
// client certificate for a backend that demands one (mTLS), the name to send as SNI and to
// verify, and verification on or off. Targets share one immutable copy; plain targets have none.
struct TargetTls
{
    QString caFile;             // PEM CA certificates that replace the system's trust store
    QString clientCertFile;     // PEM client certificate (may hold the key too)
    QString clientKeyFile;      // PEM private key of clientCertFile; empty: the key is in that file
    QString serverName;         // SNI and the name the certificate must carry, instead of the URL's host
    std::optional<bool> verify; // unset: the face's setting (--insecure, HERALD_TARGET_TLS_VERIFY)

    bool isEmpty() const;
    // The verification a request gets: this target's own choice, else the face's.
    bool verifyPeer(bool faceDefault) const { return verify.value_or(faceDefault); }

    // {"ca": FILE, "cert": FILE, "key": FILE, "serverName": NAME, "verify": BOOL}, every key optional.
    // A file that cannot be read or holds no PEM certificate (or key) is an error naming the key and file.
    // *key, when given, is set to the key the error is about (empty: the value as a whole).
    static bool fromJson(const QJsonValue &json, TargetTls *tls, QString *error, QString *key = nullptr);
    // One key on its own, into its field of *tls: its type, a host name, a readable PEM file. What
    // needs two keys ("key" needs "cert") is left to fromJson. Lets a form that gives the keys on
    // separate lines (TargetSpecText) name the line.
    static bool readKey(const QString &key, const QJsonValue &value, TargetTls *tls, QString *error);
    static const QStringList &keys(); // in the order toJson writes them
    QJsonObject toJson() const;
    // curl sends as SNI, and verifies, the URL's host, and has no option for another name. So a
    // serverName goes into the URL (urlWithServerName) and the connection to the target's own
    // host and port (curlConnectTo: CURLOPT_CONNECT_TO, curl's --connect-to). CURLOPT_RESOLVE
    // would take an IP address only, and it fills the multi's DNS cache that other targets share.
    QUrl urlWithServerName(const QUrl &url) const;
    QByteArray curlConnectTo(const QUrl &url) const;

    bool operator==(const TargetTls &other) const;
    bool operator!=(const TargetTls &other) const { return !(*this == other); }
};

using TargetTlsPtr = std::shared_ptr<const TargetTls>;

// Equal when both are absent or both hold equal settings.
bool sameTls(const TargetTlsPtr &a, const TargetTlsPtr &b);

} // namespace herald

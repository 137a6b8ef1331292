#pragma once

#include "targets/target.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace herald {

// What a broadcast derives from a target for every request it sends (its identity, its Host
// line, its encoded URL prefix), worked out once from the target's base URL. A face's target
// list only changes on a refresh, so Broadcaster keeps these forms while the list is unchanged
// instead of building each string again for every broadcast.
class TargetForm
{
public:
    TargetForm() = default;
    explicit TargetForm(const Target &target);

    // Target::key() and Target::urlFor() for one call, without the rest of a form.
    static QString keyOf(const QUrl &baseUrl);
    static QByteArray hostHeaderOf(const QUrl &baseUrl);
    static QUrl urlOf(const QUrl &baseUrl, const QByteArray &pathAndQuery, bool exactPath);

    // scheme://host:port/prefix[?query], as Target::key().
    const QString &key() const { return m_key; }
    // host[:port] as the target names it ([v6] in brackets): the Host line a target-host request carries.
    const QByteArray &hostHeader() const { return m_hostHeader; }
    // The base URL as QUrl::toString() writes it, in UTF-8: how answers and logs name the target.
    const QByteArray &urlText() const { return m_urlText; }
    // As Target::urlFor(), from the prepared prefix and query.
    QUrl urlFor(const QByteArray &pathAndQuery, bool exactPath) const;
    // What urlFor() appends to authority(): /path[?query], encoded.
    QByteArray requestTargetFor(const QByteArray &pathAndQuery, bool exactPath) const;
    // The URL of a request target from requestTargetFor(), parsed as urlFor() parses it.
    QUrl urlOfTarget(const QByteArray &requestTarget) const;
    // scheme://[userinfo@]host[:port], encoded as QUrl writes it.
    const QByteArray &authority() const { return m_authority; }
    // The same without user info: where a request to the target connects.
    const QByteArray &origin() const { return m_origin; }
    // True when QUrl would keep every byte of an encoded request target as it is: then a transport
    // may send requestTargetFor() without a QUrl round trip (QUrl re-cases and decodes some
    // percent escapes, and escapes a few characters; those targets take the QUrl path).
    static bool keepsAsIs(QByteArrayView requestTarget);

private:
    // The parts urlFor() builds on: the prefix, the target's own query, whether it has a path.
    void prepareUrl(const QUrl &url);

    QString m_key;
    QByteArray m_hostHeader;
    QByteArray m_urlText;
    QByteArray m_authority; // scheme://[userinfo@]host:port, encoded
    QByteArray m_origin;    // scheme://host:port, encoded
    QByteArray m_path;      // the base URL's path, encoded
    QByteArray m_ownQuery;  // the target's own query, encoded
    bool m_hasOwnQuery = false;
    bool m_emptyPath = false; // the base URL has no path at all
    bool m_rootOnly = false;  // no path but "/" or none, no query: the client's target goes as it is
};

} // namespace herald

// libFuzzer target over Herald's own request path: validation, header policy, target URLs, the
// relay's entry parsing and the JSON inputs (profiles, routes). The bytes are read as
// "METHOD\nPATH\nName: value\n...\n\nBODY". Invariants that must hold for any input abort when broken.
#include "broadcast/broadcastrequest.h"
#include "util/duration.h"
#include "policy/headerpolicy.h"
#include "policy/outcomepolicy.h"
#include "store/profile.h"
#include "relay/relayentry.h"
#include "serve/routetable.h"
#include "policy/statusrule.h"
#include "targets/target.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

using namespace herald;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void fuzzRequest(const QByteArray &data)
{
    const int blank = data.indexOf("\n\n");
    const QByteArray head = blank < 0 ? data : data.left(blank);
    const QList<QByteArray> lines = head.split('\n');
    BroadcastRequest request;
    request.method = lines.value(0);
    request.pathAndQuery = lines.value(1);
    for (int i = 2; i < lines.size(); ++i) {
        HttpHeader header;
        if (parseHeaderLine(lines.at(i), &header)) {
            check(isHttpToken(header.first));
            check(!header.second.contains('\r') && !header.second.contains('\n'));
            request.headers.append(header);
        } else {
            // Keep malformed ones too: validate() must refuse them.
            const int colon = lines.at(i).indexOf(':');
            request.headers.append({lines.at(i).left(qMax(colon, 0)), lines.at(i).mid(colon + 1)});
        }
    }
    request.body = blank < 0 ? QByteArray() : data.mid(blank + 2);
    request.clientAddress = QStringLiteral("192.0.2.1");
    if (!request.validate().isEmpty())
        return;
    for (const auto underscores :
         {HeaderPolicy::UnderscoreHeaders::Drop, HeaderPolicy::UnderscoreHeaders::Refuse, HeaderPolicy::UnderscoreHeaders::Pass}) {
        HeaderPolicy policy;
        policy.underscoreHeaders = underscores;
        const bool refused = !policy.refusalFor(request.headers).isEmpty();
        bool framingAlias = false;
        bool underscore = false;
        for (const HttpHeader &header : request.headers) {
            framingAlias = framingAlias || !HeaderPolicy::framingAlias(header.first).isEmpty();
            underscore = underscore || header.first.contains('_');
        }
        // A name that reads as a framing header once '_' is '-' is refused in every mode.
        check(!framingAlias || refused);
        check(refused == (framingAlias || (underscore && underscores == HeaderPolicy::UnderscoreHeaders::Refuse)));
        const Target target = Target::parse(QStringLiteral("http://10.0.0.1:6081/"), nullptr);
        for (const HttpHeader &header : policy.outgoingHeaders(request, target)) {
            QByteArray dashed = header.first;
            dashed.replace('_', '-');
            check(!HeaderPolicy::isHopByHop(dashed) && dashed.compare("Content-Length", Qt::CaseInsensitive) != 0);
            check(underscores == HeaderPolicy::UnderscoreHeaders::Pass || !header.first.contains('_'));
        }
    }
    for (const auto mode : {HeaderPolicy::HostMode::Preserve, HeaderPolicy::HostMode::TargetHost}) {
        HeaderPolicy policy;
        policy.hostMode = mode;
        policy.isLoop(request);
        const Target target = Target::parse(QStringLiteral("http://10.0.0.1:6081/prefix"), nullptr);
        const HttpHeaders out = policy.outgoingHeaders(request, target);
        for (const HttpHeader &header : out) {
            // Nothing that frames the message or belongs to this hop may be forwarded.
            check(!HeaderPolicy::isHopByHop(header.first));
            check(header.first.compare("Content-Length", Qt::CaseInsensitive) != 0);
            check(!header.second.contains('\r') && !header.second.contains('\n'));
        }
        check(hasHeader(out, "Host") && hasHeader(out, "Via"));
        const QByteArray url = target.urlFor(request.pathAndQuery).toEncoded();
        check(url.startsWith("http://10.0.0.1:6081/prefix"));
    }
    // The same request through the relay's stream encoding must come back unchanged.
    RelayEntry entry;
    entry.request = request;
    entry.origin = "fuzz";
    RelayEntry decoded;
    check(RelayEntry::fromFields("1-0", entry.toFields(), &decoded));
    check(decoded.request.method == request.method && decoded.request.pathAndQuery == request.pathAndQuery);
    check(decoded.request.body == request.body && decoded.request.headers == request.headers);
}

void fuzzSettings(const QByteArray &data)
{
    const QString text = QString::fromUtf8(data.left(200));
    QString error;
    StatusRule::parse(text, &error);
    OutcomePolicy::parse(text, &error);
    int ms = 0;
    if (parseDuration(text, &ms, &error))
        check(ms >= 0);
    Target::parseList(text, &error);
    const QJsonDocument json = QJsonDocument::fromJson(data);
    if (json.isObject()) {
        Profile profile;
        if (Profile::fromJson(json.object(), &profile, &error)) {
            Profile again;
            check(Profile::fromJson(profile.toJson(), &again, &error));
            Profile filled;
            QHash<QString, QString> values;
            for (const QString &name : profile.parameters())
                values.insert(name, QStringLiteral("v"));
            check(profile.fill(values, &filled, &error));
        }
        RouteTable table;
        RouteTable::parse(data, {}, &table, &error);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray data(reinterpret_cast<const char *>(bytes), static_cast<qsizetype>(size));
    fuzzRequest(data);
    fuzzSettings(data);
    return 0;
}

#include "send/sendpreview.h"

namespace herald {

QString SendPreview::dryRunText(const DryRun &run, TransportKind transport)
{
    QString out;
    for (const DryRun::Entry &entry : run.entries()) {
        out += entry.target.baseUrl.toString() + QLatin1Char('\n');
        out += QStringLiteral("  %1 %2\n")
                   .arg(QString::fromLatin1(entry.request.method), QString::fromUtf8(entry.request.url().toEncoded()));
        for (const HttpHeader &header : entry.request.headers)
            out += QStringLiteral("  %1: %2\n").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
        out += QStringLiteral("  body: %1 bytes, sha256 %2\n").arg(entry.request.body.size()).arg(QString::fromLatin1(entry.bodySha256));
    }
    out += QStringLiteral("dry run: %1 targets, nothing sent\n").arg(run.entries().size());
    if (transport == TransportKind::Qnam)
        out += QStringLiteral("note: the qnam transport also adds Connection, Accept-Encoding, Accept-Language and User-Agent "
                              "unless given, and resolves dot segments in the path; --transport curl sends exactly this\n");
    return out;
}

QString SendPreview::curlText(const DryRun &run, bool insecure)
{
    QString out;
    for (int i = 0; i < run.entries().size(); ++i) {
        const CurlCommand command = run.curlFor(i, !insecure);
        out += QStringLiteral("# %1\n%2\n").arg(run.entries().at(i).target.baseUrl.toString(), command.toShell());
    }
    return out;
}

} // namespace herald

#pragma once

#include "targets/resolvingtargetsource.h"

class QDnsLookup;

namespace herald {

// The SRV records of a name (_http._tcp.service...), each target on its own port, ordered by
// priority, then weight (heaviest first), then name. Same refresh and failure rules as
// DnsTargetSource; asks the system's nameservers unless the spec names one.
class SrvTargetSource : public ResolvingTargetSource
{
    Q_OBJECT
public:
    explicit SrvTargetSource(const TargetSourceSpec &spec, QObject *parent = nullptr);

    QString description() const override;

private:
    void startLookup() override;
    void onLookupFinished(QDnsLookup *lookup);
};

} // namespace herald

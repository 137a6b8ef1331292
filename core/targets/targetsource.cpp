#include "targets/targetsource.h"

#include "targets/dnstargetsource.h"
#include "targets/srvtargetsource.h"
#include "targets/statictargetsource.h"
#include "targets/targetsourcespec.h"

namespace herald {

TargetSource *TargetSource::create(const TargetSourceSpec &spec, QObject *parent)
{
    switch (spec.kind) {
    case TargetSourceSpec::Kind::Dns:
        return new DnsTargetSource(spec, parent);
    case TargetSourceSpec::Kind::Srv:
        return new SrvTargetSource(spec, parent);
    case TargetSourceSpec::Kind::Static:
        break;
    }
    return new StaticTargetSource(spec.targets, parent);
}

} // namespace herald

#include "targets/targetsource.h"

#include "targets/dnstargetsource.h"
#include "targets/srvtargetsource.h"
#include "targets/statictargetsource.h"
#include "targets/targetsourcespec.h"
#include "targets/uniontargetsource.h"

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

TargetSource *TargetSource::create(const QList<TargetSourceSpec> &specs, QObject *parent)
{
    if (specs.size() == 1)
        return create(specs.first(), parent);
    return new UnionTargetSource(specs, parent);
}

} // namespace herald

#include "store/storelocation.h"

#include <QStandardPaths>

namespace herald {

namespace {

const QLatin1String appName("herald");

QString under(const QString &directory, const QString &name)
{
    return directory + QLatin1Char('/') + name;
}

} // namespace

// Generic locations plus "herald", not AppConfigLocation: those follow the process's application
// and organization names, which is how the GUI once ended up in herald/herald and the CLI not.
StoreLocation::StoreLocation()
    : StoreLocation(under(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation), appName),
                    under(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation), appName))
{
}

StoreLocation::StoreLocation(const QString &configDirectory, const QString &dataDirectory)
    : m_configDirectory(configDirectory)
    , m_dataDirectory(dataDirectory)
{
}

QString StoreLocation::profileDirectory() const
{
    return under(m_configDirectory, QStringLiteral("profiles"));
}

QString StoreLocation::groupDirectory() const
{
    return under(m_configDirectory, QStringLiteral("groups"));
}

QString StoreLocation::historyPath() const
{
    return under(m_dataDirectory, QStringLiteral("history.sqlite"));
}

QString StoreLocation::legacyGuiConfigDirectory() const
{
    return under(m_configDirectory, appName);
}

QString StoreLocation::legacyGuiDataDirectory() const
{
    return under(m_dataDirectory, appName);
}

} // namespace herald

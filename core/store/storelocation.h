#pragma once

#include <QString>

namespace herald {

// Where profiles, target groups and the history live: one place for the GUI, `herald send`,
// `herald serve`'s admin API and relay, so what one face saves every other face finds.
class StoreLocation
{
public:
    // The user's folders: $XDG_CONFIG_HOME/herald and $XDG_DATA_HOME/herald (by default
    // ~/.config/herald and ~/.local/share/herald), whatever the application and organization names.
    StoreLocation();
    // Explicit roots, e.g. a test's temporary directory.
    StoreLocation(const QString &configDirectory, const QString &dataDirectory);

    QString configDirectory() const { return m_configDirectory; }
    QString dataDirectory() const { return m_dataDirectory; }
    QString profileDirectory() const;
    QString groupDirectory() const;
    QString historyPath() const;

    // Where the GUI kept its files while it set an organization name ("herald/herald").
    QString legacyGuiConfigDirectory() const;
    QString legacyGuiDataDirectory() const;

private:
    QString m_configDirectory;
    QString m_dataDirectory;
};

} // namespace herald

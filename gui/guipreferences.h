#pragma once

#include <QByteArray>
#include <QStringList>

class QSettings;

namespace herald {

// The window's preferences that change what it does (not how it looks): when to ask before a
// broadcast, how much history to keep, which headers the results compare. Read from and written to QSettings in one place.
struct GuiPreferences
{
    int confirmAbove = 0;    // ask when a method that is not safe goes to more targets than this; -1: never
    int typeCountAbove = 20; // above this many targets the operator types the count; -1: never
    QStringList safeMethods = {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("OPTIONS")};
    int keepEntries = 1000;
    int keepDays = 90;
    // Response headers that tell the targets' answers apart besides status and body.
    QString compareHeaders = QStringLiteral("Age, X-Cache");

    // Compared case-insensitively: "purge" is PURGE.
    bool isSafe(const QByteArray &method) const;
    bool needsConfirmation(const QByteArray &method, int targets) const;
    bool needsTypedCount(int targets) const;

    static GuiPreferences load(const QSettings &settings);
    void save(QSettings &settings) const;
};

} // namespace herald

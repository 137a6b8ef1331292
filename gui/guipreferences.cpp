#include "guipreferences.h"

#include <QSettings>

namespace herald {

bool GuiPreferences::isSafe(const QByteArray &method) const
{
    return safeMethods.contains(QString::fromLatin1(method).trimmed(), Qt::CaseInsensitive);
}

bool GuiPreferences::needsConfirmation(const QByteArray &method, int targets) const
{
    return confirmAbove >= 0 && targets > confirmAbove && !isSafe(method);
}

bool GuiPreferences::needsTypedCount(int targets) const
{
    return typeCountAbove >= 0 && targets > typeCountAbove;
}

GuiPreferences GuiPreferences::load(const QSettings &settings)
{
    GuiPreferences preferences;
    preferences.confirmAbove = settings.value(QStringLiteral("confirm/threshold"), preferences.confirmAbove).toInt();
    preferences.typeCountAbove = settings.value(QStringLiteral("confirm/typeCountAbove"), preferences.typeCountAbove).toInt();
    preferences.safeMethods = settings.value(QStringLiteral("confirm/safeMethods"), preferences.safeMethods).toStringList();
    preferences.keepEntries = settings.value(QStringLiteral("history/keepEntries"), preferences.keepEntries).toInt();
    preferences.keepDays = settings.value(QStringLiteral("history/keepDays"), preferences.keepDays).toInt();
    preferences.compareHeaders = settings.value(QStringLiteral("compare/headers"), preferences.compareHeaders).toString();
    return preferences;
}

void GuiPreferences::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("confirm/threshold"), confirmAbove);
    settings.setValue(QStringLiteral("confirm/typeCountAbove"), typeCountAbove);
    settings.setValue(QStringLiteral("confirm/safeMethods"), safeMethods);
    settings.setValue(QStringLiteral("history/keepEntries"), keepEntries);
    settings.setValue(QStringLiteral("history/keepDays"), keepDays);
    settings.setValue(QStringLiteral("compare/headers"), compareHeaders);
}

} // namespace herald

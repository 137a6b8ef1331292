#include "preferencesdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace herald {

PreferencesDialog::PreferencesDialog(const GuiPreferences &preferences, QWidget *parent)
    : QDialog(parent)
    , m_preferences(preferences)
    , m_safeMethods(new QLineEdit(preferences.safeMethods.join(QStringLiteral(", ")), this))
    , m_confirmAbove(new QSpinBox(this))
    , m_typeCountAbove(new QSpinBox(this))
    , m_keepEntries(new QSpinBox(this))
    , m_keepDays(new QSpinBox(this))
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_safeMethods->setObjectName(QStringLiteral("safeMethodsEdit"));
    m_safeMethods->setToolTip(tr("Methods sent without a confirmation, in any case; every other method asks first"));
    const auto spin = [](QSpinBox *box, const char *name, int minimum, int maximum, int value, const QString &never) {
        box->setObjectName(QString::fromLatin1(name));
        box->setRange(minimum, maximum);
        box->setValue(value);
        if (!never.isEmpty())
            box->setSpecialValueText(never);
    };
    spin(m_confirmAbove, "confirmAboveSpin", -1, 100000, preferences.confirmAbove, tr("never ask"));
    spin(m_typeCountAbove, "typeCountAboveSpin", -1, 100000, preferences.typeCountAbove, tr("never"));
    spin(m_keepEntries, "keepEntriesSpin", 0, 1000000, preferences.keepEntries, tr("no limit"));
    spin(m_keepDays, "keepDaysSpin", 0, 36500, preferences.keepDays, tr("no limit"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("&Methods sent without asking:"), m_safeMethods);
    form->addRow(tr("&Ask above this many targets:"), m_confirmAbove);
    form->addRow(tr("&Type the count above:"), m_typeCountAbove);
    form->addRow(tr("&Keep history entries:"), m_keepEntries);
    form->addRow(tr("Keep history &days:"), m_keepDays);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

GuiPreferences PreferencesDialog::preferences() const
{
    GuiPreferences result = m_preferences;
    result.safeMethods = m_safeMethods->text().toUpper().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    result.confirmAbove = m_confirmAbove->value();
    result.typeCountAbove = m_typeCountAbove->value();
    result.keepEntries = m_keepEntries->value();
    result.keepDays = m_keepDays->value();
    return result;
}

} // namespace herald

#pragma once

#include "guipreferences.h"

#include <QDialog>

class QLineEdit;
class QSpinBox;

namespace herald {

// Edits the GuiPreferences: which methods are sent without asking, when to ask and when the
// count must be typed, and how much history to keep.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    PreferencesDialog(const GuiPreferences &preferences, QWidget *parent = nullptr);
    GuiPreferences preferences() const;

private:
    GuiPreferences m_preferences;
    QLineEdit *m_safeMethods;
    QSpinBox *m_confirmAbove;
    QSpinBox *m_typeCountAbove;
    QSpinBox *m_keepEntries;
    QSpinBox *m_keepDays;
};

} // namespace herald

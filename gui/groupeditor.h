#pragma once

#include "targets/targetsourcespec.h"
#include "targets/targetspectext.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace herald {

// A group's targets as text, one per line (with their options and tls. lines), checked on every
// edit by the core's TargetSpecText: each bad line is marked in the text and listed under it with
// its number and the problem.
class GroupEditor : public QWidget
{
    Q_OBJECT
public:
    explicit GroupEditor(QWidget *parent = nullptr);

    void setSpec(const TargetSourceSpec &spec);
    void clear();
    bool isValid() const { return m_errors.isEmpty(); }
    QList<TargetSpecText::LineError> errors() const { return m_errors; }
    // What the text says; meaningful only while isValid().
    TargetSourceSpec spec() const { return m_spec; }

Q_SIGNALS:
    // The text changed; errors() and spec() are up to date.
    void changed();

private:
    void check();

    QPlainTextEdit *m_text;
    QLabel *m_errorList;
    QList<TargetSpecText::LineError> m_errors;
    TargetSourceSpec m_spec;
};

} // namespace herald

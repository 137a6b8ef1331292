#pragma once

#include "util/curlcommand.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;

namespace herald {

// Reads a curl command line the operator pastes (from a runbook, a browser's "copy as cURL") for
// the composer. A command curl's parser refuses stays in the box with the reason under it.
class PasteCurlDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PasteCurlDialog(const QString &commandLine, QWidget *parent = nullptr);

    QPlainTextEdit *editor() const { return m_edit; }
    QString error() const;
    void accept() override;

Q_SIGNALS:
    void parsed(const herald::CurlCommand &command);

private:
    QPlainTextEdit *m_edit;
    QLabel *m_error;
};

} // namespace herald

#pragma once

#include <QByteArray>
#include <QWidget>

#include <optional>

class QPlainTextEdit;
class QPushButton;
class QSettings;

namespace herald {

// The composer's body: typed text (which may hold {parameters}), or a file's bytes, kept as
// they are and sent byte for byte while the text box shows only a summary of them.
class BodyEditor : public QWidget
{
    Q_OBJECT
public:
    explicit BodyEditor(QWidget *parent = nullptr);

    bool isBinary() const { return m_binary.has_value(); }
    QByteArray binary() const { return m_binary.value_or(QByteArray()); }
    QString text() const;
    QPlainTextEdit *textEdit() const { return m_text; }
    // UTF-8 without NULs is shown as text; anything else is kept as bytes.
    void setBody(const QByteArray &body);
    void setBinary(const QByteArray &body, const QString &origin);
    void clear();
    void save(QSettings &settings) const;
    void restore(const QSettings &settings);

Q_SIGNALS:
    void changed();
    void failed(const QString &error);

private:
    void loadFile();

    QPlainTextEdit *m_text;
    QPushButton *m_clear;
    std::optional<QByteArray> m_binary;
    QString m_origin;
};

} // namespace herald

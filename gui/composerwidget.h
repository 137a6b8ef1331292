#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "store/profile.h"
#include "targets/targetsourcespec.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSpinBox;
class QTableWidget;

namespace herald {

// The request composer: method, path, headers, body, target source, retries, timeout, policy.
// Everything it shows can be read back as a Profile, so profiles and ad-hoc requests are one thing.
class ComposerWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ComposerWidget(QWidget *parent = nullptr);

    // The composer's contents as a profile (unfilled: {parameters} stay), with the loaded profile's
    // retryOn and the declarations of the parameters still used. Returns "" or an error naming the field.
    QString toProfile(const QString &name, Profile *profile) const;
    // A setting the profile leaves out shows the default, not the previous profile's value.
    void load(const Profile &profile);
    void loadRequest(const BroadcastRequest &request);
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

Q_SIGNALS:
    void sendRequested();

private:
    void addHeaderRow(const QString &name = {}, const QString &value = {});
    void loadBodyFromFile();

    QComboBox *m_method;
    QLineEdit *m_path;
    QTableWidget *m_headers;
    QPlainTextEdit *m_body;
    QComboBox *m_sourceKind;
    QLineEdit *m_targets;
    QSpinBox *m_retries;
    QSpinBox *m_timeout;
    QComboBox *m_policy;
    // Kept from the loaded profile, which the composer has no field for: saving must not drop them.
    QString m_retryOn;
    QList<ProfileParameter> m_declaredParameters;
};

} // namespace herald

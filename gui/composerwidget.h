#pragma once

#include "broadcast/broadcastoptions.h"
#include "broadcast/broadcastrequest.h"
#include "store/profile.h"
#include "targets/targetsourcespec.h"

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QLineEdit;
class QSettings;
class QSpinBox;
class QTableWidget;

namespace herald {

class BodyEditor;
class GroupPicker;

// The request composer: method, path, headers, body, target source, retries, timeout, policy.
// Everything it shows can be read back as a Profile, so profiles and ad-hoc requests are one thing.
class ComposerWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ComposerWidget(QWidget *parent = nullptr);

    // The composer's contents as a profile (unfilled: {parameters} stay), with the loaded profile's
    // retryOn and verify and the declarations of the parameters still used. Returns "" or an error naming the field.
    QString toProfile(const QString &name, Profile *profile) const;
    // A setting the profile leaves out shows the default, not the previous profile's value.
    void load(const Profile &profile);
    void loadRequest(const BroadcastRequest &request);
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);
    // Edited by the operator since the last load() (or since setEdited(false)).
    bool isEdited() const { return m_edited; }
    void setEdited(bool edited) { m_edited = edited; }
    // The saved target groups the operator can check besides the free targets.
    void setGroupNames(const QStringList &names);
    // Shown under the fields; "" hides it. A profile-file error is put in the composer's words.
    void showError(const QString &error);
    // `field "targets": "static": ...` becomes `Targets: ...`.
    static QString composerWording(const QString &profileError);

Q_SIGNALS:
    void sendRequested();
    // Any field changed, by the operator or by a load.
    void changed();

private:
    void addHeaderRow(const QString &name = {}, const QString &value = {});
    void onChanged();
    void showGroupRow();
    void buildLayout(QPushButton *addHeader, QPushButton *removeHeader);

    QComboBox *m_method;
    QLineEdit *m_path;
    QTableWidget *m_headers;
    BodyEditor *m_body;
    QComboBox *m_sourceKind;
    QLineEdit *m_targets;
    GroupPicker *m_groups;
    QSpinBox *m_retries;
    QSpinBox *m_timeout;
    QComboBox *m_policy;
    QLabel *m_error;
    bool m_edited = false;
    bool m_loading = false;
    // Kept from the loaded profile, which the composer has no field for: saving must not drop them.
    QString m_retryOn;
    QString m_verify; // kept like retryOn: the composer has no field for it, a saved profile keeps it
    QList<ProfileParameter> m_declaredParameters;
    QJsonObject m_sourceSettings; // the targets' "tls", "nameserver", "pathPrefix"... beside the list
};

} // namespace herald

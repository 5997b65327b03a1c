#pragma once

// The Actions area of the selected service (issue 6): one button per action a plugin offers, with the
// values it needs beside it (canary weight 0/5/10/25/50/75/100 or custom, track, revision, replicas).
// An action that is not allowed now stays visible but disabled, its reason shown as text and tooltip
// ("viewer cannot patch ingresses in microservices"). A click opens the preview dialog; nothing changes
// before it is confirmed there. In read-only mode the whole area is hidden. Room for the canary verdict.

#include "actiontypes.h"
#include "servicekey.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace Opsdeck {

class ActionPreviewDialog;
class ActionProvider;
class ActionService;
class RevisionHistoryModel;

class ActionPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ActionPanel(ActionService *service, QWidget *parent = nullptr);
    ~ActionPanel() override;

    void setService(const ServiceKey &service);
    ServiceKey service() const { return m_service; }
    void setReadOnly(bool readOnly);
    // Read-only wins: the panel stays hidden whoever asks to show it.
    void setVisible(bool visible) override;
    // The verdict of the canary analysis, one line for people; empty hides it.
    void setVerdict(const QString &text, const QString &tooltip = {});

    // A provider that checks permissions in the background (a `checkPermissions(Opsdeck::ServiceKey)`
    // slot answered by `permissionsChecked(Opsdeck::ServiceKey)`) is asked whenever the service changes.
    void addProvider(ActionProvider *provider);

public Q_SLOTS:
    // Re-reads which actions apply and whether they are allowed (providers learn permissions over time).
    void refresh();
    // A provider's answer to `requestRevisionHistory(Opsdeck::ServiceKey, QString track)`.
    void showRevisionHistory(const Opsdeck::ServiceKey &service, const QString &track, const QVariantList &revisions);

public:

    // The request a button would send now, from the pickers' values.
    ActionRequest requestFor(const QString &actionId) const;
    QPushButton *button(const QString &actionId) const { return m_buttons.value(actionId); }
    QLabel *reasonLabel(const QString &actionId) const { return m_reasons.value(actionId); }
    QComboBox *weightPicker() const { return m_weight; }
    QSpinBox *customWeight() const { return m_customWeight; }
    QComboBox *trackPicker() const { return m_track; }
    QSpinBox *revisionPicker() const { return m_revision; }
    QTableView *revisionHistory() const { return m_history; }
    RevisionHistoryModel *revisionHistoryModel() const { return m_historyModel; }
    QSpinBox *replicasPicker() const { return m_replicas; }
    QLabel *verdictLabel() const { return m_verdict; }
    // The preview dialog opened by the last click (nullptr once closed).
    ActionPreviewDialog *dialog() const;

    // The action ids this panel knows how to ask for, in display order.
    static QStringList knownActions();
    static QString accessibleNameFor(const QString &actionId);

Q_SIGNALS:
    void dialogOpened(Opsdeck::ActionPreviewDialog *dialog);

private:
    void trigger(const QString &actionId);
    void updateWeightPicker();
    void checkPermissions();
    void requestRevisionHistory();

    ActionService *m_actions = nullptr;
    ServiceKey m_service;
    bool m_readOnly = false;
    QHash<QString, QPushButton *> m_buttons;
    QHash<QString, QLabel *> m_reasons;
    QHash<QString, QWidget *> m_values; // the pickers beside each button
    QComboBox *m_weight = nullptr;
    QSpinBox *m_customWeight = nullptr;
    QComboBox *m_track = nullptr;
    QSpinBox *m_revision = nullptr;
    QSpinBox *m_replicas = nullptr;
    QTableView *m_history = nullptr;
    RevisionHistoryModel *m_historyModel = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_empty = nullptr;
    QTimer *m_refresh = nullptr;
    QPointer<ActionPreviewDialog> m_dialog;
    QList<QPointer<ActionProvider>> m_providers;
};

} // namespace Opsdeck

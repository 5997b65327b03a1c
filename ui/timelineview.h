#pragma once

// The merged timeline on screen (issue 9 §3): filters (kind, service, severity, text), the zoomable
// strip and, below it, the table of the entries in the visible range, newest first — the table is the
// keyboard and screen-reader path to every entry. Clicking an entry (strip or table) or pressing Enter
// on it says which service and moment it belongs to.

#include "servicekey.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolButton;

namespace Opsdeck {

class TimelineFilterProxyModel;
class TimelineModel;
class TimelineStrip;

class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(TimelineModel *model, QWidget *parent = nullptr);

    // Shows only this service's entries (and the estate's); an empty key shows every service.
    void setService(const ServiceKey &key);
    ServiceKey service() const;
    void setKind(std::optional<TimelineEntry::Kind> kind); // nullopt: every kind
    void setMinimumSeverity(TimelineEntry::Severity severity);
    void setFilterText(const QString &text);
    void focusFilter();
    void focusTable();

    TimelineModel *model() const { return m_model; }
    TimelineFilterProxyModel *proxy() const { return m_proxy; }
    TimelineStrip *strip() const { return m_strip; }
    QTableView *table() const { return m_table; }
    QComboBox *kindFilter() const { return m_kind; }
    QComboBox *serviceFilter() const { return m_service; }
    QComboBox *severityFilter() const { return m_severity; }
    QLineEdit *textFilter() const { return m_text; }
    QToolButton *nowButton() const { return m_now; }

Q_SIGNALS:
    // An entry was clicked or activated: its service (may be empty: the estate) and moment.
    void entryActivated(const Opsdeck::ServiceKey &service, const QDateTime &at,
                        Opsdeck::TimelineEntry::Kind kind);

protected:
    void changeEvent(QEvent *event) override;

private:
    void sizeColumns();
    void refreshServices();
    void activateSourceRow(int sourceRow);
    void activate(const QModelIndex &proxyIndex);
    void updateRangeLabel();

    TimelineModel *m_model;
    TimelineFilterProxyModel *m_proxy;
    TimelineStrip *m_strip;
    QTableView *m_table;
    QComboBox *m_kind;
    QComboBox *m_service;
    QComboBox *m_severity;
    QLineEdit *m_text;
    QToolButton *m_zoomIn;
    QToolButton *m_zoomOut;
    QToolButton *m_now;
    QLabel *m_range;
    QTimer *m_servicesTimer;
};

} // namespace Opsdeck

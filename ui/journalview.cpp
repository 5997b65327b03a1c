#include "journalview.h"

#include "actionpanel.h"
#include "actionservice.h"
#include "clearablelineedit.h"
#include "format.h"
#include "journal.h"
#include "journaltablemodel.h"
#include "observation.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QLabel *plainLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    return label;
}

QString changeLines(const QList<ActionChange> &changes)
{
    QStringList lines;
    for (const ActionChange &c : changes)
        lines << QStringLiteral("  %1/%2 %3: \"%4\" → \"%5\"").arg(c.kind, c.name, c.field, c.from, c.to);
    return lines.isEmpty() ? QStringLiteral("  (none)") : lines.join(QLatin1Char('\n'));
}

} // namespace

JournalView::JournalView(Journal *journal, ActionService *service, QWidget *parent)
    : QWidget(parent)
    , m_journal(journal)
    , m_actions(service)
    , m_model(new JournalTableModel(journal, this))
{
    setAccessibleName(tr("History"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Interrupted actions first: they need a decision.
    m_interruptedBar = new QWidget(this);
    auto *bar = new QHBoxLayout(m_interruptedBar);
    bar->setContentsMargins(0, 0, 0, 0);
    m_interruptedText = plainLabel(tr("Interrupted actions"), m_interruptedBar);
    m_resume = new QPushButton(tr("Res&ume"), m_interruptedBar);
    m_resume->setAccessibleName(tr("Resume interrupted action"));
    m_resume->setToolTip(tr("Read the real state back from the cluster and finish the remaining steps"));
    m_abandon = new QPushButton(tr("Mark a&bandoned"), m_interruptedBar);
    m_abandon->setAccessibleName(tr("Mark interrupted action abandoned"));
    m_abandon->setToolTip(tr("Do not finish it; the journal keeps it as abandoned"));
    bar->addWidget(m_interruptedText, 1);
    bar->addWidget(m_resume);
    bar->addWidget(m_abandon);
    m_interruptedBar->hide();
    layout->addWidget(m_interruptedBar);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const Result<void> done = resumeInterrupted();
        report(done ? tr("Resuming…") : tr("Cannot resume: %1").arg(toString(done.error())));
    });
    connect(m_abandon, &QPushButton::clicked, this, [this] {
        const Result<void> done = abandonInterrupted();
        report(done ? tr("Marked abandoned.") : tr("Cannot mark abandoned: %1").arg(toString(done.error())));
    });

    auto *filters = new QHBoxLayout;
    m_service = new QLineEdit(this);
    m_service->setAccessibleName(tr("Filter history by service"));
    m_service->setPlaceholderText(tr("Service name"));
    enableNamedClearButton(m_service, tr("Clear service filter"));
    auto *serviceLabel = new QLabel(tr("Ser&vice:"), this);
    serviceLabel->setBuddy(m_service);
    m_action = new QComboBox(this);
    m_action->setAccessibleName(tr("Filter history by action"));
    m_action->view()->setAccessibleName(tr("Actions")); // the drop-down list, as a screen reader meets it
    m_action->addItem(tr("All actions"), QString());
    for (const QString &id : ActionPanel::knownActions())
        m_action->addItem(id, id);
    m_status = new QComboBox(this);
    m_status->setAccessibleName(tr("Filter history by status"));
    m_status->view()->setAccessibleName(tr("Statuses")); // the drop-down list, as a screen reader meets it
    m_status->addItem(tr("Any status"), -1);
    for (JournalStatus s : {JournalStatus::Started, JournalStatus::Succeeded, JournalStatus::Failed, JournalStatus::Refused,
                            JournalStatus::Interrupted, JournalStatus::Abandoned})
        m_status->addItem(JournalTableModel::statusWord(s), int(s));
    m_time = new QComboBox(this);
    m_time->setAccessibleName(tr("Filter history by time"));
    m_time->view()->setAccessibleName(tr("Time ranges")); // the drop-down list, as a screen reader meets it
    m_time->addItem(tr("All time"), 0);
    m_time->addItem(tr("Last hour"), 3600);
    m_time->addItem(tr("Last 24 hours"), 86400);
    m_time->addItem(tr("Last 7 days"), 7 * 86400);
    m_refresh = new QPushButton(tr("Re&fresh"), this);
    m_refresh->setAccessibleName(tr("Refresh history"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_export = new QPushButton(tr("E&xport CSV…"), this);
    m_export->setAccessibleName(tr("Export history as CSV"));
    filters->addWidget(serviceLabel);
    filters->addWidget(m_service, 1);
    filters->addWidget(m_action);
    filters->addWidget(m_status);
    filters->addWidget(m_time);
    filters->addWidget(m_refresh);
    filters->addWidget(m_export);
    layout->addLayout(filters);

    m_table = new QTableView(this);
    m_table->setAccessibleName(tr("Action history"));
    m_table->setAccessibleDescription(tr("Every action from the journal, newest first"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setAccessibleName(tr("Action details"));
    m_details->setPlaceholderText(tr("Select an action to see its steps, requests and answers"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    m_message = plainLabel(tr("History message"), this);
    layout->addWidget(m_message);

    connect(m_service, &QLineEdit::textChanged, this, &JournalView::applyFilter);
    connect(m_action, &QComboBox::currentIndexChanged, this, &JournalView::applyFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, &JournalView::applyFilter);
    connect(m_time, &QComboBox::currentIndexChanged, this, &JournalView::applyFilter);
    connect(m_refresh, &QPushButton::clicked, this, &JournalView::refresh);
    connect(m_export, &QPushButton::clicked, this, &JournalView::chooseExportFile);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JournalView::updateDetails);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_table->resizeColumnsToContents();
        for (int column = 0; column < JournalTableModel::MessageColumn; ++column)
            m_table->setColumnWidth(column, qMin(m_table->columnWidth(column) + 12, 320));
        updateDetails();
        updateInterrupted();
    });
    refresh();
}

void JournalView::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    updateInterrupted();
}

JournalFilter JournalView::currentFilter() const
{
    JournalFilter filter;
    filter.service = m_service->text().trimmed();
    filter.action = m_action->currentData().toString();
    const int status = m_status->currentData().toInt();
    if (status >= 0)
        filter.statuses = {JournalStatus(status)};
    const int seconds = m_time->currentData().toInt();
    if (seconds > 0)
        filter.from = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    return filter;
}

void JournalView::applyFilter()
{
    m_model->setFilter(currentFilter());
    if (const std::optional<Error> error = m_model->lastError())
        report(tr("Cannot read the journal: %1").arg(toString(*error)));
}

void JournalView::refresh()
{
    applyFilter();
    updateInterrupted();
}

void JournalView::updateDetails()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const JournalEntry e = m_model->entry(current.row());
    QStringList lines;
    lines << tr("Action %1: %2 on %3/%4 (context %5, track %6)")
                 .arg(e.id)
                 .arg(e.action, e.service.ns, e.service.name, e.service.context, toString(e.track));
    lines << tr("By %1, started %2%3")
                 .arg(e.user.isEmpty() ? tr("(unknown user)") : e.user, Format::absoluteTime(e.startedAt),
                      e.finishedAt.isValid() ? tr(", finished %1").arg(Format::absoluteTime(e.finishedAt)) : QString());
    lines << tr("Status: %1 — %2").arg(JournalTableModel::statusWord(e.status), e.message);
    if (e.error)
        lines << tr("Error: %1").arg(toString(*e.error));
    lines << tr("Parameters: %1").arg(JournalTableModel::parametersText(e.parameters));
    lines << tr("Confirmation: %1").arg(e.confirmation.isEmpty() ? tr("(none)") : e.confirmation);
    lines << tr("Previewed change:") << changeLines(e.preview);
    for (const QString &warning : e.warnings)
        lines << tr("Warning: %1").arg(warning);
    lines << tr("Steps:");
    for (int i = 0; i < e.steps.size(); ++i) {
        const ActionStep &s = e.steps[i];
        lines << QStringLiteral("  %1. %2 — %3").arg(i + 1).arg(s.title, toString(s.state));
        if (!s.request.isEmpty())
            lines << tr("     request: %1").arg(s.request);
        if (s.httpStatus != 0 || !s.response.isEmpty())
            lines << tr("     answer: %1 %2").arg(s.httpStatus).arg(s.response);
    }
    lines << tr("Applied:") << changeLines(e.result);
    m_details->setPlainText(lines.join(QLatin1Char('\n')));
}

void JournalView::updateInterrupted()
{
    const Result<QList<JournalEntry>> interrupted = m_journal->isOpen() ? m_journal->interrupted() : Result<QList<JournalEntry>>(QList<JournalEntry>{});
    const int before = m_interrupted;
    m_interrupted = interrupted ? int(interrupted->size()) : 0;
    m_interruptedBar->setVisible(m_interrupted > 0);
    if (m_interrupted > 0) {
        const JournalEntry &newest = interrupted->first();
        m_interruptedText->setText(tr("%n action(s) interrupted by an exit or crash. Newest: %1 on %2 (step %3 of %4), started %5.",
                                      nullptr, m_interrupted)
                                       .arg(newest.action, newest.service.name)
                                       .arg(std::count_if(newest.steps.cbegin(), newest.steps.cend(),
                                                          [](const ActionStep &s) { return s.state == ActionStep::State::Succeeded; })
                                            + 1)
                                       .arg(newest.steps.size())
                                       .arg(Format::absoluteTime(newest.startedAt)));
    }
    m_resume->setVisible(!m_readOnly && m_actions);
    m_abandon->setVisible(!m_readOnly);
    if (m_interrupted > 0 && before == 0)
        Q_EMIT interruptedFound(m_interrupted);
}

qint64 JournalView::interruptedTarget() const
{
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid()) {
        const JournalEntry e = m_model->entry(current.row());
        if (e.status == JournalStatus::Interrupted)
            return e.id;
    }
    const Result<QList<JournalEntry>> interrupted = m_journal->interrupted();
    return interrupted && !interrupted->isEmpty() ? interrupted->first().id : 0;
}

Result<void> JournalView::resumeInterrupted()
{
    const qint64 id = interruptedTarget();
    if (id == 0)
        return makeError(ErrorKind::Invalid, tr("no interrupted action"));
    if (!m_actions)
        return makeError(ErrorKind::Plugin, tr("no action service"));
    Result<void> done = m_actions->resume(id);
    refresh();
    return done;
}

Result<void> JournalView::abandonInterrupted()
{
    const qint64 id = interruptedTarget();
    if (id == 0)
        return makeError(ErrorKind::Invalid, tr("no interrupted action"));
    Result<void> done = m_actions ? m_actions->abandon(id, tr("abandoned from the History view"))
                                  : m_journal->markAbandoned(id, tr("abandoned from the History view"));
    refresh();
    return done;
}

Result<int> JournalView::exportCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Config, tr("cannot write '%1': %2").arg(path, file.errorString()));
    Result<int> rows = m_journal->exportCsv(currentFilter(), &file);
    if (!rows)
        return rows;
    if (!file.commit())
        return makeError(ErrorKind::Config, tr("cannot write '%1': %2").arg(path, file.errorString()));
    return rows;
}

void JournalView::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export history as CSV"), QStringLiteral("opsdeck-journal.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    const Result<int> rows = exportCsv(path);
    report(rows ? tr("Exported %n action(s) to %1.", nullptr, *rows).arg(path) : tr("Export failed: %1").arg(toString(rows.error())));
}

void JournalView::report(const QString &text)
{
    m_message->setText(text);
}

} // namespace Opsdeck

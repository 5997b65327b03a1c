#include "rcaexportdialog.h"

#include "rcamarkdown.h"
#include "rcapdfwriter.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QDateTimeEdit *makeTimeEdit(const QString &name, const QString &description, QWidget *parent)
{
    auto *edit = new QDateTimeEdit(parent);
    edit->setTimeSpec(Qt::UTC); // incidents are written in UTC, like the timeline
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    edit->setCalendarPopup(true);
    edit->setAccessibleName(name);
    edit->setAccessibleDescription(description);
    return edit;
}

} // namespace

RcaExportDialog::RcaExportDialog(InputsProvider provider, QWidget *parent)
    : QDialog(parent)
    , m_provider(std::move(provider))
{
    setWindowTitle(tr("Export RCA"));
    setAccessibleName(tr("Export root-cause analysis"));

    m_from = makeTimeEdit(tr("From"), tr("Start of the incident window, UTC"), this);
    m_to = makeTimeEdit(tr("To"), tr("End of the incident window, UTC"), this);
    m_format = new QComboBox(this);
    m_format->addItem(tr("PDF document (.pdf)"), int(Format::Pdf));
    m_format->addItem(tr("Markdown (.md)"), int(Format::Markdown));
    m_format->setAccessibleName(tr("Format"));
    m_format->view()->setAccessibleName(tr("Formats"));
    m_path = new QLineEdit(this);
    m_path->setAccessibleName(tr("Output file"));
    m_browse = new QPushButton(tr("&Browse…"), this);
    m_browse->setAccessibleName(tr("Choose the output file"));
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Export status"));

    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_browse);

    auto *form = new QFormLayout;
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To:"), m_to);
    form->addRow(tr("F&ormat:"), m_format);
    form->addRow(tr("&File:"), pathRow);

    auto *hint
        = new QLabel(tr("Prefilled from the timeline, the alerts, the drills and the actions in the journal. "
                        "Fields marked \"To be written\" are left for the people who ran the incident."),
                     this);
    hint->setWordWrap(true);
    hint->setTextFormat(Qt::PlainText);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Save)->setText(tr("&Export"));
    m_buttons->button(QDialogButtonBox::Save)->setAccessibleName(tr("Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RcaExportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    setWindow(now.addSecs(-3600), now);
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    m_path->setText(
        QDir(folder.isEmpty() ? QDir::homePath() : folder)
            .filePath(QStringLiteral("rca-%1.pdf").arg(now.toString(QStringLiteral("yyyyMMdd-HHmm")))));

    connect(m_format, &QComboBox::currentIndexChanged, this, &RcaExportDialog::onFormatChanged);
    connect(m_browse, &QPushButton::clicked, this, &RcaExportDialog::browse);
    connect(m_path, &QLineEdit::textChanged, this, &RcaExportDialog::updateButtons);
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, &RcaExportDialog::updateButtons);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, &RcaExportDialog::updateButtons);
    updateButtons();
}

void RcaExportDialog::setWindow(const QDateTime &from, const QDateTime &to)
{
    m_from->setDateTime(from.toUTC());
    m_to->setDateTime(to.toUTC());
}

QDateTime RcaExportDialog::from() const
{
    return m_from->dateTime().toUTC();
}

QDateTime RcaExportDialog::to() const
{
    return m_to->dateTime().toUTC();
}

void RcaExportDialog::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

RcaExportDialog::Format RcaExportDialog::format() const
{
    return Format(m_format->currentData().toInt());
}

void RcaExportDialog::setOutputPath(const QString &path)
{
    m_path->setText(path);
}

QString RcaExportDialog::outputPath() const
{
    return m_path->text().trimmed();
}

QString RcaExportDialog::extension(Format format)
{
    return format == Format::Pdf ? QStringLiteral("pdf") : QStringLiteral("md");
}

void RcaExportDialog::onFormatChanged()
{
    // Keep the file name in step with the format, as save dialogs do.
    const QString path = outputPath();
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    const QString wanted = extension(format());
    if (info.suffix() != wanted
        && (info.suffix() == QLatin1String("md") || info.suffix() == QLatin1String("pdf")
            || info.suffix().isEmpty()))
        m_path->setText(QDir(info.path()).filePath(info.completeBaseName() + QLatin1Char('.') + wanted));
}

void RcaExportDialog::browse()
{
    const QString filter = format() == Format::Pdf ? tr("PDF documents (*.pdf)") : tr("Markdown (*.md)");
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export RCA to"), outputPath(), filter);
    if (!chosen.isEmpty())
        m_path->setText(chosen);
}

void RcaExportDialog::updateButtons()
{
    const bool ok = !outputPath().isEmpty() && from() < to();
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(ok);
    if (from() >= to())
        m_status->setText(tr("The window must end after it starts."));
    else if (m_status->text() == tr("The window must end after it starts."))
        m_status->clear();
}

Result<void> RcaExportDialog::exportReport()
{
    const QString path = outputPath();
    auto fail = [this](const Error &error) -> Result<void> {
        m_status->setText(error.hint.isEmpty() ? error.message
                                               : error.message + QStringLiteral(" — ") + error.hint);
        return tl::unexpected(error);
    };
    if (path.isEmpty())
        return fail(Error {
            ErrorKind::Invalid, tr("No output file chosen."), tr("Type a path or use Browse…."), {} });
    if (from() >= to())
        return fail(Error { ErrorKind::Invalid, tr("The window must end after it starts."), {}, {} });
    if (!m_provider)
        return fail(Error {
            ErrorKind::Config, tr("Nothing to read the incident from."), tr("Open the journal first."), {} });

    Result<RcaReport::Inputs> inputs = m_provider(from(), to());
    if (!inputs)
        return fail(inputs.error());
    inputs->from = from();
    inputs->to = to();
    const RcaReport report = RcaReport::build(*inputs);

    if (format() == Format::Pdf) {
        if (const Result<void> written = RcaPdfWriter::write(report, path); !written)
            return fail(written.error());
    } else {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(RcaMarkdown::write(report).toUtf8()) < 0
            || !file.commit())
            return fail(Error { ErrorKind::Config,
                                tr("RCA %1: cannot be written (%2)").arg(path, file.errorString()),
                                tr("Check that the folder exists and is writable."),
                                {} });
    }
    m_status->setText(tr("Written to %1.").arg(QDir::toNativeSeparators(path)));
    Q_EMIT exported(path);
    return {};
}

void RcaExportDialog::accept()
{
    if (exportReport())
        QDialog::accept();
}

} // namespace Opsdeck

#include "pluginloader.h"

#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

namespace Opsdeck {

namespace {

// Reads an array of strings; nullopt when absent or not an array of strings.
std::optional<QStringList> stringArray(const QJsonValue &value)
{
    if (!value.isArray())
        return std::nullopt;
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return std::nullopt;
        list << item.toString();
    }
    return list;
}

bool isInside(const QString &path, const QString &dir)
{
    const QString canonicalDir = QFileInfo(dir).canonicalFilePath();
    const QString canonicalPath = QFileInfo(path).canonicalFilePath();
    return !canonicalDir.isEmpty() && !canonicalPath.isEmpty()
        && (canonicalPath == canonicalDir || canonicalPath.startsWith(canonicalDir + QLatin1Char('/')));
}

} // namespace

QStringList PluginLoader::defaultSearchPaths()
{
    QStringList paths;
    const QString env = qEnvironmentVariable("OPSDECK_PLUGIN_PATH");
    for (const QString &dir : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        paths << dir;
    // An installed binary must not pick up a stale build tree, and a build-tree binary must not mix in
    // installed plugins of another version (they would collide by id).
    const QString appDir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    if (!appDir.isEmpty() && isInside(appDir, QStringLiteral(OPSDECK_BUILD_DIR)))
        paths << QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR);
    else
        paths << QStringLiteral(OPSDECK_PLUGIN_INSTALL_DIR);
    return paths;
}

PluginLoader::PluginLoader(QStringList searchPaths)
    : m_searchPaths(std::move(searchPaths))
{
}

PluginLoader::~PluginLoader() = default;

void PluginLoader::load()
{
    for (const QString &dirPath : std::as_const(m_searchPaths)) {
        const QDir dir(dirPath);
        if (!dir.exists()) {
            qCDebug(lcPlugins) << "plugin folder" << dirPath << "does not exist";
            continue;
        }
        const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &entry : entries) {
            if (!QLibrary::isLibrary(entry.fileName()))
                continue;
            const QString canonical = entry.canonicalFilePath();
            if (m_seenFiles.contains(canonical))
                continue;
            m_seenFiles << canonical;
            loadFile(entry.absoluteFilePath());
        }
    }
}

QList<PluginInfo> PluginLoader::plugins() const
{
    QList<PluginInfo> list;
    for (const Loaded &loaded : m_loaded)
        list << loaded.info;
    return list;
}

DataSourceFactory *PluginLoader::sourceFactory(const QString &pluginId) const
{
    const Loaded *loaded = find(pluginId);
    return loaded ? loaded->sources : nullptr;
}

ActionProviderFactory *PluginLoader::actionProviderFactory(const QString &pluginId) const
{
    const Loaded *loaded = find(pluginId);
    return loaded ? loaded->actions : nullptr;
}

const PluginLoader::Loaded *PluginLoader::find(const QString &pluginId) const
{
    for (const Loaded &loaded : m_loaded) {
        if (loaded.info.id == pluginId)
            return &loaded;
    }
    return nullptr;
}

void PluginLoader::fail(const QString &filePath, const QString &problem, const QString &hint)
{
    Error error{ErrorKind::Plugin, QStringLiteral("plugin %1: %2").arg(filePath, problem), hint, std::nullopt};
    qCWarning(lcPlugins).noquote() << toString(error);
    m_errors << error;
}

void PluginLoader::loadFile(const QString &filePath)
{
    auto loader = std::make_unique<QPluginLoader>(filePath);
    const QJsonObject meta = loader->metaData();
    if (meta.isEmpty()) {
        fail(filePath, QStringLiteral("is not a Qt plugin (no plugin metadata)"),
             QStringLiteral("remove the file from the plugin folder"));
        return;
    }

    const QString iid = meta.value(QLatin1String("IID")).toString();
    if (iid != QLatin1String(OPSDECK_SOURCE_IID) && iid != QLatin1String(OPSDECK_ACTIONS_IID)) {
        fail(filePath,
             QStringLiteral("wrong interface id '%1' (expected '%2' or '%3')")
                 .arg(iid, QLatin1String(OPSDECK_SOURCE_IID), QLatin1String(OPSDECK_ACTIONS_IID)),
             QStringLiteral("the plugin was built for another application or another Opsdeck version"));
        return;
    }

    const QJsonValue metaValue = meta.value(QLatin1String("MetaData"));
    if (!metaValue.isObject()) {
        fail(filePath, QStringLiteral("has no metadata JSON (Q_PLUGIN_METADATA FILE)"));
        return;
    }
    const QJsonObject json = metaValue.toObject();

    PluginInfo info;
    info.fileName = filePath;
    info.iid = iid;
    const auto requireString = [&](const char *field, QString &out) {
        const QJsonValue value = json.value(QLatin1String(field));
        if (!value.isString() || value.toString().isEmpty()) {
            fail(filePath, QStringLiteral("metadata field '%1' is %2 (expected a non-empty string)")
                               .arg(QLatin1String(field), value.isUndefined() ? QStringLiteral("missing")
                                                                              : QStringLiteral("invalid")));
            return false;
        }
        out = value.toString();
        return true;
    };
    const auto requireArray = [&](const char *field, QStringList &out) {
        const QJsonValue value = json.value(QLatin1String(field));
        const std::optional<QStringList> list = stringArray(value);
        if (!list) {
            fail(filePath, QStringLiteral("metadata field '%1' is %2 (expected an array of strings)")
                               .arg(QLatin1String(field), value.isUndefined() ? QStringLiteral("missing")
                                                                              : QStringLiteral("invalid")));
            return false;
        }
        out = *list;
        return true;
    };
    if (!requireString("id", info.id) || !requireString("version", info.version)
        || !requireArray("observations", info.observations) || !requireArray("actions", info.actions))
        return;
    info.name = json.value(QLatin1String("name")).toString(info.id);
    info.description = json.value(QLatin1String("description")).toString();
    info.testOnly = json.value(QLatin1String("testOnly")).toBool(false);

    if (const Loaded *first = find(info.id)) {
        fail(filePath, QStringLiteral("duplicate plugin id '%1' (already loaded from %2)").arg(info.id, first->info.fileName),
             QStringLiteral("remove one of the two files"));
        return;
    }

    QObject *instance = loader->instance();
    if (!instance) {
        fail(filePath, QStringLiteral("cannot be loaded: %1").arg(loader->errorString()));
        return;
    }
    auto *sources = qobject_cast<DataSourceFactory *>(instance);
    auto *actions = qobject_cast<ActionProviderFactory *>(instance);
    if (!sources && !actions) {
        fail(filePath, QStringLiteral("plugin '%1' implements neither DataSourceFactory nor ActionProviderFactory").arg(info.id));
        loader->unload();
        return;
    }
    if (!info.observations.isEmpty() && !sources) {
        fail(filePath, QStringLiteral("plugin '%1' lists observations but does not implement DataSourceFactory").arg(info.id));
        loader->unload();
        return;
    }
    if (!info.actions.isEmpty() && !actions) {
        fail(filePath, QStringLiteral("plugin '%1' lists actions but does not implement ActionProviderFactory").arg(info.id));
        loader->unload();
        return;
    }

    qCDebug(lcPlugins).noquote() << "loaded plugin" << info.id << info.version << "from" << filePath;
    m_loaded.push_back(Loaded{std::move(info), std::move(loader), sources, actions});
}

} // namespace Opsdeck

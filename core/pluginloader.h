#pragma once

// Finds and loads Opsdeck's plugins. For every library in the search directories it reads the
// metadata first (QPluginLoader::metaData(), without loading the code); a wrong IID, a missing or
// mistyped field, a duplicate id, a library that does not load or an instance without the promised
// interfaces become an Error{Plugin} naming the file and the problem — collected for the Sources panel,
// never a crash and never only a log line.

#include "actionproviderfactory.h"
#include "datasourcefactory.h"
#include "error.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QPluginLoader;

namespace Opsdeck {

// What a plugin says about itself (its metadata JSON), plus where it was found.
struct PluginInfo
{
    QString id;
    QString version;
    QString name;        // for people; the id when absent
    QString description;
    QString fileName;    // absolute path of the library
    QString iid;
    QStringList observations;
    QStringList actions;
    bool testOnly = false; // "testOnly": true — the app lists it but starts no source from it

    friend bool operator==(const PluginInfo &, const PluginInfo &) = default;
};

class PluginLoader
{
public:
    // OPSDECK_PLUGIN_PATH (colon separated) first; then the build tree's plugin folder when the running
    // binary lives in the build tree, else the installed lib/opsdeck/plugins.
    static QStringList defaultSearchPaths();

    explicit PluginLoader(QStringList searchPaths = defaultSearchPaths());
    ~PluginLoader(); // plugins stay loaded for the process's life (Qt unloads them at exit)
    PluginLoader(const PluginLoader &) = delete;
    PluginLoader &operator=(const PluginLoader &) = delete;

    // Scans the search paths in order; the first plugin of an id wins, later ones are errors.
    void load();

    QStringList searchPaths() const { return m_searchPaths; }
    QList<PluginInfo> plugins() const;
    QList<Error> errors() const { return m_errors; }

    // Interfaces of a loaded plugin, or nullptr if no such plugin or it lacks that interface.
    DataSourceFactory *sourceFactory(const QString &pluginId) const;
    ActionProviderFactory *actionProviderFactory(const QString &pluginId) const;

private:
    struct Loaded
    {
        PluginInfo info;
        std::unique_ptr<QPluginLoader> loader;
        DataSourceFactory *sources = nullptr;
        ActionProviderFactory *actions = nullptr;
    };

    void loadFile(const QString &filePath);
    const Loaded *find(const QString &pluginId) const;
    void fail(const QString &filePath, const QString &problem, const QString &hint = {});

    QStringList m_searchPaths;
    std::vector<Loaded> m_loaded;
    QStringList m_seenFiles; // canonical paths, so a folder listed twice is scanned once
    QList<Error> m_errors;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::PluginInfo)

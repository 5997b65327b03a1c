#pragma once

// A loopback HTTP server standing in for ARM and Entra in unit tests (paging, throttling, tokens) when
// a real opsdeck-sim is not needed; the integration tests run against opsdeck-sim. Handlers run on the
// server's threads: they only touch the atomics and the mutex-guarded log.

#include <httplib.h>

#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class FakeArm
{
public:
    FakeArm()
    {
        m_server.Post(R"(/tenant/oauth2/v2.0/token)", [this](const httplib::Request &, httplib::Response &res) {
            ++tokenRequests;
            res.set_content(R"({"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"fake-token"})",
                            "application/json");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FakeArm()
    {
        m_server.stop();
        m_thread.join();
    }
    FakeArm(const FakeArm &) = delete;
    FakeArm &operator=(const FakeArm &) = delete;

    httplib::Server &server() { return m_server; }
    int port() const { return m_port; }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    std::string baseStd() const { return "http://127.0.0.1:" + std::to_string(m_port); }

    void log(const httplib::Request &req)
    {
        std::lock_guard lock(m_mutex);
        m_log.push_back(req.method + " " + req.path + (req.has_param("$skiptoken") ? "?$skiptoken=" + req.get_param_value("$skiptoken") : "")
                        + " " + req.get_header_value("Authorization") + " " + req.body);
    }
    std::vector<std::string> requests()
    {
        std::lock_guard lock(m_mutex);
        return m_log;
    }

    std::atomic<int> tokenRequests{0};

private:
    httplib::Server m_server;
    std::thread m_thread;
    int m_port = 0;
    std::mutex m_mutex;
    std::vector<std::string> m_log;
};

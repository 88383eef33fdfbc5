package casegraph.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * An embedded Neo4j Community server for tests: Bolt on 127.0.0.1:PORT only, user neo4j with the given
 * password, everything under HOME. Prints "READY neo4j://127.0.0.1:PORT" once it takes connections and
 * runs until killed; SIGTERM (or SIGINT) shuts the database down cleanly.
 *
 * <p>Usage: java -jar neo4j-test-server.jar HOME PORT PASSWORD (at least 8 characters)
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java -jar neo4j-test-server.jar HOME PORT PASSWORD");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        SocketAddress address = new SocketAddress("127.0.0.1", port);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, address)
                .setConfig(BoltConnector.advertised_address, address) // the routing table neo4j:// asks for
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // no usage reports to Neo4j's host
                .setConfig(GraphDatabaseSettings.pagecache_memory, 32L << 20)
                // Bolt waits 2 x 5 s on shutdown for connections and threads that a test server need not wait for.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ZERO)
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ZERO)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }));

        // A fresh DBMS has user neo4j with password "neo4j" that must be changed first; set ours instead.
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", args[2]));

        System.out.println("READY neo4j://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}

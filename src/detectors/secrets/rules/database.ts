/** Database credentials: connection URLs and strings with passwords, SQL that sets passwords, server configuration. */
import { defineRules, type SecretRule } from '../rule.js';
import { HISTORY_FILES, revoke } from './common.js';
import { ALNUM, fake } from './fake.js';

const password = fake(16, ALNUM, 'db-password');

/** `scheme://user:password@host`, the password as the value; the user may be empty (`redis://:pw@host`). */
function connectionUrl(id: string, title: string, schemes: string, keywords: string[], positive: string[], negative: string[]): SecretRule {
  return {
    id,
    category: 'database',
    severity: 'HIGH',
    title,
    remediation: revoke('database password', 'the database server: ALTER USER / change the password'),
    keywords,
    pattern: new RegExp(`\\b(?:${schemes}):\\/\\/(?<user>[^:@\\s/'"<>]*):(?<secret>[^@\\s/'"<>]+)@(?<host>[^\\s/'"<>?:,;]+)`, 'i'),
    maskVisible: 0,
    note: '{user}@{host}',
    samples: { positive, negative },
  };
}

export const databaseRules = defineRules([
  connectionUrl(
    'postgres-connection-url',
    'PostgreSQL connection URL with a password',
    'postgres(?:ql)?(?:\\+\\w+)?|postgis|pgsql|timescaledb|cockroachdb',
    ['postgres', 'postgis', 'pgsql', 'timescaledb', 'cockroachdb'],
    [`DATABASE_URL=postgres://app:${password}@db.internal.test:5432/app`, `engine = create_engine("postgresql+psycopg2://app:${password}@db/app")`],
    ['DATABASE_URL=postgres://app@db.internal.test:5432/app', 'postgres://user:password@localhost/db', 'postgresql://app:${DB_PASSWORD}@db/app'],
  ),
  connectionUrl(
    'mysql-connection-url',
    'MySQL / MariaDB connection URL with a password',
    'mysql(?:\\+\\w+)?|mysqlx|mariadb(?:\\+\\w+)?',
    ['mysql', 'mariadb'],
    [`DB_URL="mysql://root:${password}@mysql:3306/shop"`],
    ['mysql://root@mysql:3306/shop', 'mysql://<user>:<password>@host/db'],
  ),
  connectionUrl(
    'mongodb-connection-url',
    'MongoDB connection URL with a password',
    'mongodb(?:\\+srv)?',
    ['mongodb'],
    [`MONGO_URI=mongodb+srv://api:${password}@cluster0.abcde.mongodb.net/prod?retryWrites=true`],
    ['MONGO_URI=mongodb://mongo:27017/prod', 'mongodb+srv://<username>:<password>@cluster0.mongodb.net'],
  ),
  connectionUrl('redis-connection-url', 'Redis connection URL with a password', 'rediss?|valkey', ['redis', 'valkey'], [`REDIS_URL=redis://:${password}@cache:6379/0`], ['REDIS_URL=redis://cache:6379/0', 'redis://:****@cache:6379']),
  connectionUrl('amqp-connection-url', 'AMQP (RabbitMQ) connection URL with a password', 'amqps?', ['amqp'], [`BROKER_URL=amqp://worker:${password}@rabbitmq:5672/vhost`], ['BROKER_URL=amqp://guest@rabbitmq:5672//', 'amqp://user:pass@localhost']),
  connectionUrl('mssql-connection-url', 'SQL Server connection URL with a password', 'mssql(?:\\+\\w+)?|sqlserver', ['mssql', 'sqlserver'], [`MSSQL_URL=mssql+pyodbc://sa:${password}@sqlserver:1433/app`], ['MSSQL_URL=mssql://sqlserver:1433/app']),
  connectionUrl(
    'database-connection-url',
    'Database or message broker connection URL with a password',
    'oracle(?:\\+\\w+)?|clickhouse|neo4j(?:\\+s(?:sc)?)?|bolt|couchbases?|couchdb|cassandra|nats|mqtts?|ldaps?|influxdb|snowflake|db2|cockroach',
    ['oracle', 'clickhouse', 'neo4j', 'bolt', 'couch', 'cassandra', 'nats', 'mqtt', 'ldap', 'influxdb', 'snowflake', 'db2', 'cockroach'],
    [`GRAPH_URL=neo4j+s://neo4j:${password}@graph.internal.test`, `LDAP_URI=ldaps://cn=admin:${password}@ldap.internal.test`],
    ['GRAPH_URL=neo4j://graph.internal.test:7687', 'oracle://scott:tiger@'],
  ),
  {
    id: 'jdbc-connection-password',
    category: 'database',
    severity: 'HIGH',
    title: 'JDBC URL with a password',
    remediation: revoke('database password', 'the database server'),
    keywords: ['jdbc:'],
    pattern: /jdbc:[a-z0-9]{1,20}:[^\s"'<>]{0,300}?[?;&:](?:password|pwd)=(?<secret>[^;&\s"'<>]+)|jdbc:oracle:(?:thin|oci):(?<user>[\w$#]{1,64})\/(?<secret2>[^@\s"'<>/]{1,128})@/i,
    maskVisible: 0,
    samples: {
      positive: [`spring.datasource.url=jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${password};encrypt=true`, `url=jdbc:mysql://db:3306/app?user=app&password=${password}`, `jdbc:oracle:thin:scott/${password}@//db:1521/ORCL`],
      negative: ['jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${DB_PASSWORD}', 'jdbc:mysql://db:3306/app?user=app'],
    },
  },
  {
    id: 'ado-net-connection-string',
    category: 'database',
    severity: 'HIGH',
    title: 'Database connection string with a password (ADO.NET / ODBC style)',
    remediation: revoke('database password', 'the database server; use integrated or managed identity authentication'),
    keywords: ['password=', 'pwd=', 'password =', 'pwd ='],
    pattern: /\b(?:Server|Data Source|Host|Address|Addr|Network Address)[ \t]*=[^;"'\n]{1,200};[^"'\n]{0,300}?\b(?:Password|Pwd)[ \t]*=[ \t]*(?<secret>[^;"'\s][^;"'\n]*?)[ \t]*(?=;|"|'|$)/im,
    maskVisible: 0,
    samples: {
      positive: [`"DefaultConnection": "Server=tcp:sql.internal.test,1433;Database=app;User ID=app;Password=${password};Encrypt=True;"`, `ConnectionStrings__Db=Host=pg;Port=5432;Username=app;Password=${password}`],
      negative: ['"DefaultConnection": "Server=sql;Database=app;Trusted_Connection=True;"', 'Server=sql;Database=app;User ID=app;Password=;'],
    },
  },
  {
    id: 'sql-user-password',
    category: 'database',
    severity: 'HIGH',
    title: 'Password set in SQL (CREATE/ALTER USER ... IDENTIFIED BY / PASSWORD)',
    remediation: 'Rotate the database password; create users from secrets mounted at run time (an init script reading a file or environment variable), not from SQL baked into the image.',
    keywords: ['identified', 'password'],
    paths: ['*.sql', ...HISTORY_FILES],
    inText: true,
    pattern: /\b(?:IDENTIFIED[ \t]+(?:WITH[ \t]+\w+[ \t]+)?BY|(?:CREATE|ALTER)[ \t]+(?:USER|ROLE)[^;'\n]{1,200}?\bPASSWORD)[ \t]+'(?<secret>[^'\s]{1,128})'/i,
    maskVisible: 0,
    samples: {
      positive: [{ path: 'docker-entrypoint-initdb.d/01-users.sql', text: `CREATE USER 'app'@'%' IDENTIFIED BY '${password}';\nGRANT ALL ON app.* TO 'app'@'%';\n`, secret: password }, { path: 'root/.psql_history', text: `ALTER ROLE app WITH LOGIN PASSWORD '${password}';\n` }],
      negative: [{ path: 'docker-entrypoint-initdb.d/01-users.sql', text: "CREATE USER app;\n-- set the password with \\password\nSELECT password FROM users WHERE name = 'x';\n" }],
    },
  },
  {
    id: 'redis-requirepass',
    category: 'database',
    severity: 'MEDIUM',
    title: 'Redis password in the server configuration',
    remediation: 'Rotate the Redis password and pass it at run time (redis-server --requirepass from a mounted secret, or an ACL file mounted at run time).',
    keywords: ['requirepass', 'masterauth'],
    paths: ['redis*.conf', 'sentinel*.conf', 'etc/redis/**', 'valkey*.conf'],
    pattern: /^[ \t]*(?:requirepass|masterauth)[ \t]+["']?(?<secret>[^\s"']+)/m,
    maskVisible: 0,
    samples: {
      positive: [{ path: 'etc/redis/redis.conf', text: `bind 0.0.0.0\nrequirepass ${password}\n` }],
      negative: [{ path: 'etc/redis/redis.conf', text: '# requirepass foobared\n' }],
    },
  },
  {
    id: 'pgbouncer-userlist-password',
    category: 'database',
    severity: 'MEDIUM',
    title: 'Password or hash in a PgBouncer user list',
    remediation: 'Rotate the listed passwords and mount userlist.txt at run time (or use auth_query).',
    keywords: [],
    paths: ['userlist.txt'],
    pattern: /^"(?<user>[^"]+)"[ \t]+"(?<secret>[^"]+)"/m,
    maskVisible: 0,
    note: 'user {user}',
    samples: {
      positive: [{ path: 'etc/pgbouncer/userlist.txt', text: `"app" "${password}"\n"admin" "md5${fake(32, '0123456789abcdef', 'pgb')}"\n` }],
      negative: [{ path: 'etc/pgbouncer/userlist.txt', text: '"app" ""\n' }],
    },
  },
]);

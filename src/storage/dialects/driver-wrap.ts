import type { Dialect, Driver } from 'kysely'

/**
 * The same dialect with some of its driver's methods replaced. Every other method is the
 * original, bound to the original driver (Kysely's drivers keep private fields).
 */
export function withDriverMethods(dialect: Dialect, replace: (driver: Driver) => Partial<Driver>): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver()
      const replaced = replace(driver)
      return new Proxy(driver, {
        get(target, prop) {
          if (Object.hasOwn(replaced, prop)) return replaced[prop as keyof Driver]
          const value = Reflect.get(target, prop, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
  }
}

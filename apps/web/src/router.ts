import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/register', name: 'register', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./views/HomeView.vue'),
      children: [
        { path: '', redirect: { name: 'chats' } },
        { path: 'chats/:id?', name: 'chats', component: () => import('./views/ChatsView.vue') },
        { path: 'contacts', name: 'contacts', component: () => import('./views/ContactsView.vue') },
        { path: 'g/:id?', name: 'groups', component: () => import('./views/GroupsView.vue') },
        { path: 'search', name: 'search', component: () => import('./views/SearchView.vue') },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  const loggedIn = await session.restore();
  if (!to.meta.public && !loggedIn) return { name: 'login' };
  if (to.meta.public && loggedIn) return { name: 'chats' };
  return true;
});
